/**
 * isolated-vm for the Node.js line Polder runs on. No single release covers Node 20, 22 and 24:
 * 5.0.4 is the last that builds for Node 20 (it compiles at install time), 6.x needs Node >= 22
 * and ships prebuilt binaries for Node 22 and 24 (glibc and musl). package.json lists both as
 * optional dependencies under aliases (`isolated-vm-v6`, `isolated-vm-v5`); npm skips 6.x on Node
 * 20 because of its `engines`, and drops 5.0.4 where it does not build. This module loads the
 * newest that loads on this Node, once, when it is imported, and fails loudly when none does
 * (Polder does not run scripts without a sandbox). docs/deploy.md, "Node.js lines".
 *
 * The two releases have the same API (identical isolated-vm.d.ts); the types below are the part
 * Polder uses, declared here because no single alias is installed on every line for tsc to read.
 */
import { createRequire } from 'node:module';

export interface RunOptions {
  timeout?: number;
}

export interface IvmReference<T> {
  apply(receiver: undefined, args: unknown[], options?: RunOptions): Promise<unknown>;
  applySync(receiver: undefined, args: unknown[], options?: RunOptions): unknown;
  /** Only for the types: what the reference points at. */
  readonly __type?: T;
}

export interface IvmContext {
  eval(code: string, options?: RunOptions & { reference?: boolean }): Promise<unknown>;
}

export interface IvmScript {
  run(context: IvmContext, options?: RunOptions): Promise<unknown>;
}

export interface IvmIsolate {
  readonly isDisposed: boolean;
  createContext(): Promise<IvmContext>;
  compileScript(code: string, options?: { filename?: string }): Promise<IvmScript>;
  dispose(): void;
}

export interface IsolatedVm {
  Isolate: new (options?: { memoryLimit?: number }) => IvmIsolate;
}

/** The aliases in package.json, newest first. */
export const ISOLATED_VM_BUILDS = ['isolated-vm-v6', 'isolated-vm-v5'] as const;

export interface LoadedIsolatedVm {
  ivm: IsolatedVm;
  /** The alias that loaded (`isolated-vm-v6` or `isolated-vm-v5`). */
  build: (typeof ISOLATED_VM_BUILDS)[number];
  /** The isolated-vm version it carries. */
  version: string;
}

/** Loads the first build that loads on this Node; throws with every build's reason otherwise. */
export function loadIsolatedVm(builds: readonly string[] = ISOLATED_VM_BUILDS): LoadedIsolatedVm {
  const require = createRequire(import.meta.url);
  const reasons: string[] = [];
  for (const build of builds) {
    try {
      const ivm = require(build) as IsolatedVm;
      const { version } = require(`${build}/package.json`) as { version: string };
      return { ivm, build: build as LoadedIsolatedVm['build'], version };
    } catch (err) {
      reasons.push(`${build}: ${String((err as Error).message).split('\n')[0]}`);
    }
  }
  throw new Error(
    `no isolated-vm build loads on Node ${process.version} (${reasons.join('; ')}). ` +
      'Run `npm ci` with this Node (isolated-vm 6 for Node >= 22, 5.0.4 compiled for Node 20); see docs/deploy.md.',
  );
}

export const isolatedVm: LoadedIsolatedVm = loadIsolatedVm();
