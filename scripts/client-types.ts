import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { loadConfig } from '../src/config.js';
import { createPolder } from '../src/main.js';
import { createLogger } from '../src/shared/logger.js';

/** Where the TypeScript client keeps the types generated from the OpenAPI document. */
export const GENERATED_TYPES = new URL('../clients/typescript/src/generated/openapi.ts', import.meta.url);

/**
 * Polder's OpenAPI document, exactly as `GET /api/openapi.json` serves it: a whole Polder is
 * built (not listening) on a throw-away SQLite directory, so every route registered by the
 * composition root is in it.
 */
export async function openApiDocument(): Promise<OpenAPI3> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'polder-openapi-'));
  try {
    const config = loadConfig({ POLDER_DATA_DIR: dataDir, POLDER_DEMO: '0', POLDER_LOG_LEVEL: 'silent' }, undefined);
    const polder = await createPolder(config, { logger: createLogger({ level: 'silent', format: 'json' }) });
    try {
      return polder.app.swagger() as unknown as OpenAPI3;
    } finally {
      await polder.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const HEADER = `/**
 * Generated from Polder's OpenAPI document by \`npm run generate:client\` (scripts/generate-client.mjs).
 * Do not edit: change the route schemas and regenerate. test/clients/generated-types.test.ts fails
 * when this file and the routes disagree.
 */

`;

/** The source of clients/typescript/src/generated/openapi.ts for the current routes. */
export async function clientTypesSource(): Promise<string> {
  const doc = await openApiDocument();
  // The generator takes a parsed document; it must not fetch anything (no $refs outside it).
  const ast = await openapiTS(doc, { alphabetize: false, exportType: false });
  return HEADER + astToString(ast);
}
