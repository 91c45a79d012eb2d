/**
 * The real public samples in ../shared/fixtures (beside the clone in CI; further up for a git
 * worktree). A missing directory fails loudly: these tests never run on invented payloads.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { uuidv7 } from '../../src/shared/ids.js';
import type { PipelineMessage, TransportInfo } from '../../src/workers/message.js';

function findShared(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'shared', 'fixtures');
    if (existsSync(path.join(candidate, 'ttn-v3-uplink.json'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('shared/fixtures not found above the repository (set up ../shared as in CI)');
}

export const FIXTURES_DIR = process.env.POLDER_FIXTURES_DIR ?? findShared();

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

/** A protocol note from ../shared/reference (its samples are quoted from real sources). */
export const reference = (file: string): string => readFileSync(path.join(FIXTURES_DIR, '..', 'reference', file), 'utf8');

/** The fenced code blocks of a markdown text with the given language tag. */
export const codeBlocks = (markdown: string, lang: string): string[] =>
  [...markdown.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1] ?? '');
