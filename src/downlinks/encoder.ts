import { createHash } from 'node:crypto';
import type { ScriptRunner } from '../workers/workers.js';
import type { DownlinkRoute, EncoderPort } from './downlinks.js';

/**
 * Runs a device type's `encodeDownlink(input)` (TTN codec convention; a vendor codec pasted as it
 * is) in the user-script sandbox. The sandbox calls decode entry points only, so the script is
 * given a `process` that hands its input to `encodeDownlink` (found as a global or on exports).
 */
export function sandboxEncoder(runner: ScriptRunner): EncoderPort {
  return {
    async encode(route: DownlinkRoute, input) {
      const source = `${route.encoder}
;function process(input) {
  var f = typeof encodeDownlink === 'function' ? encodeDownlink
    : (module.exports && module.exports.encodeDownlink) || (exports && exports.encodeDownlink);
  if (typeof f !== 'function') throw new Error('the script defines no encodeDownlink function');
  return f(input);
}`;
      const revision = createHash('sha256').update(source).digest('hex').slice(0, 16);
      const out = await runner.call(
        { id: `downlink:${route.orgId}:${route.typeId}`, revision, language: 'javascript', source },
        'process',
        [input],
      );
      return out.value;
    },
  };
}
