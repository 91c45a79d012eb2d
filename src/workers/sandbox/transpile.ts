/**
 * TypeScript (and JavaScript with `export`) → a plain script for the isolate. Sucrase is pure JS:
 * it only strips types and rewrites exports to `exports.x = …`, which the isolate's prelude
 * provides. `import` becomes `require(…)`, which does not exist in the sandbox: a clear error.
 */
import { transform } from 'sucrase';
import { WorkerError } from '../worker-error.js';

export type ScriptLanguage = 'javascript' | 'typescript';

export function transpile(source: string, language: ScriptLanguage): string {
  const hasModuleSyntax = /^\s*(export|import)\s/m.test(source);
  if (language === 'javascript' && !hasModuleSyntax) return source; // vendor codecs run exactly as published
  try {
    return transform(source, {
      transforms: language === 'typescript' ? ['typescript', 'imports'] : ['imports'],
      disableESTransforms: true,
    }).code;
  } catch (err) {
    throw new WorkerError('SCRIPT_INVALID', `the ${language} source does not compile: ${(err as Error).message}`);
  }
}
