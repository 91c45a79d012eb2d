import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ISOLATED_VM_BUILDS, isolatedVm, loadIsolatedVm } from './isolated-vm.js';

const major = Number(process.versions.node.split('.')[0]);
const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  dependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
};

describe('isolated-vm for this Node.js line', () => {
  it('loads isolated-vm 6 on Node 22 and later, 5.0.4 on Node 20', () => {
    if (major >= 22) {
      expect(isolatedVm.build).toBe('isolated-vm-v6');
      expect(isolatedVm.version).toMatch(/^6\./);
    } else {
      expect(isolatedVm.build).toBe('isolated-vm-v5');
      expect(isolatedVm.version).toBe('5.0.4');
    }
  });

  it('runs code in an isolate that the loaded build made', async () => {
    const isolate = new isolatedVm.ivm.Isolate({ memoryLimit: 8 });
    try {
      const context = await isolate.createContext();
      expect(await context.eval('6 * 7')).toBe(42);
      await expect(context.eval('while (true) {}', { timeout: 20 })).rejects.toThrow(/timed out/i);
    } finally {
      isolate.dispose();
    }
  });

  it('tries the builds in order and names every reason when none loads', () => {
    expect(loadIsolatedVm(['isolated-vm-v0-absent', ...ISOLATED_VM_BUILDS]).build).toBe(isolatedVm.build);
    expect(() => loadIsolatedVm(['isolated-vm-v0-absent', 'isolated-vm-v1-absent'])).toThrow(
      /no isolated-vm build loads on Node v\d+.*isolated-vm-v0-absent: .*isolated-vm-v1-absent: /,
    );
  });

  it('is in package.json as one optional alias per build, and nowhere else', () => {
    expect(pkg.dependencies['isolated-vm']).toBeUndefined();
    expect(pkg.optionalDependencies['isolated-vm-v5']).toBe('npm:isolated-vm@5.0.4');
    expect(pkg.optionalDependencies['isolated-vm-v6']).toMatch(/^npm:isolated-vm@6\./);
    expect(Object.keys(pkg.optionalDependencies).filter((k) => k.startsWith('isolated-vm'))).toEqual(
      [...ISOLATED_VM_BUILDS].sort(),
    );
  });
});
