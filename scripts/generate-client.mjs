// `npm run generate:client`: writes clients/typescript/src/generated/openapi.ts, the types of every
// route, from the OpenAPI document of a Polder built in-process. Run it after changing route
// schemas and commit the result; test/clients/generated-types.test.ts fails while they disagree.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const { GENERATED_TYPES, clientTypesSource } = await import('./client-types.ts');

const file = fileURLToPath(GENERATED_TYPES);
const source = await clientTypesSource();
let before = '';
try {
  before = readFileSync(file, 'utf8');
} catch {
  // first generation
}
mkdirSync(new URL('.', GENERATED_TYPES), { recursive: true });
writeFileSync(file, source);
process.stdout.write(`${before === source ? 'unchanged' : 'written'}: ${file} (${source.split('\n').length} lines)\n`);
