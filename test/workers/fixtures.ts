/**
 * The real public samples in test/fixtures (copied verbatim, each with its public source: the
 * `SOURCE` field of each file and test/fixtures/SOURCES.md). Nothing here reads outside the
 * repository: a clone alone passes its tests.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { uuidv7 } from '../../src/shared/ids.js';
import type { PipelineMessage, TransportInfo } from '../../src/workers/message.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** Provider payload samples (TTN, ChirpStack, SenML). */
export const FIXTURES_DIR = path.join(ROOT, 'providers');

// biome-ignore lint/suspicious/noExplicitAny: fixture files are free-form JSON, indexed by the tests
export type Json = any;

export const fixture = (file: string): Json => JSON.parse(readFileSync(path.join(FIXTURES_DIR, file), 'utf8'));

/** A message as a transport builds it: the raw body, nothing decoded yet. */
export function messageOf(
  body: unknown,
  transport: Partial<TransportInfo> = {},
  receivedAt = Date.UTC(2025, 0, 1),
): PipelineMessage {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    id: uuidv7(),
    orgId: 'org-a',
    pipelineId: 'pipe-1',
    receivedAt,
    transport: { kind: 'http', contentType: 'application/json', ...transport },
    payload: new Uint8Array(Buffer.from(text, 'utf8')),
    metadata: {},
    measurements: [],
  };
}

/** Drafts as plain comparable objects (sorted for order-insensitive comparison where needed). */
export const drafts = (msg: PipelineMessage) => msg.measurements.map((m) => ({ ...m }));

/** A protocol note from test/fixtures/reference (its samples are quoted from real sources). */
export const reference = (file: string): string => readFileSync(path.join(ROOT, 'reference', file), 'utf8');

/** The fenced code blocks of a markdown text with the given language tag. */
export const codeBlocks = (markdown: string, lang: string): string[] =>
  [...markdown.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1] ?? '');
