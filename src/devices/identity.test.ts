import { describe, expect, it } from 'vitest';
import { identityCandidates, normaliseIdentityValue as norm } from './identity.js';

describe('identity normalisation', () => {
  it('MAC: every common notation gives lower-case colon pairs', () => {
    const canonical = '24:0a:c4:02:8b:60';
    for (const v of [
      '24:0a:c4:02:8b:60',
      '24:0A:C4:02:8B:60',
      '24-0A-C4-02-8B-60',
      '240a.c402.8b60',
      '240AC4028B60',
      ' 240ac4028b60 ',
    ])
      expect(norm('mac', v), v).toBe(canonical);
    expect(norm('mac', '24:0a:c4:02:8b')).toBeUndefined();
    expect(norm('mac', '24:0a:c4:02:8b:6g')).toBeUndefined();
    expect(norm('mac', '')).toBeUndefined();
  });

  it('DevEUI: 16 upper-case hex digits from any notation', () => {
    for (const v of ['70b3d57ed005a1b2', '70-B3-D5-7E-D0-05-A1-B2', '70:b3:d5:7e:d0:05:a1:b2', '70B3 D57E D005 A1B2'])
      expect(norm('deveui', v), v).toBe('70B3D57ED005A1B2');
    expect(norm('deveui', '70b3d57ed005a1')).toBeUndefined();
    expect(norm('deveui', '70b3d57ed005a1b2ff')).toBeUndefined();
  });

  it('UUID: canonical lower case', () => {
    const canonical = '0190a6e4-5b1c-7d2e-8f3a-1b2c3d4e5f60';
    for (const v of [
      canonical,
      canonical.toUpperCase(),
      `{${canonical}}`,
      canonical.replaceAll('-', ''),
      `urn:uuid:${canonical}`,
    ])
      expect(norm('uuid', v), v).toBe(canonical);
    expect(norm('uuid', '0190a6e4-5b1c-7d2e-8f3a')).toBeUndefined();
  });

  it('serial: trimmed, case kept', () => {
    expect(norm('serial', '  SN-00042 ')).toBe('SN-00042');
    expect(norm('serial', '   ')).toBeUndefined();
    expect(norm('serial', 'x'.repeat(129))).toBeUndefined();
  });

  it('guesses the kinds a bare value could be', () => {
    expect(identityCandidates('24-0A-C4-02-8B-60')).toEqual([
      { kind: 'mac', value: '24:0a:c4:02:8b:60' },
      { kind: 'serial', value: '24-0A-C4-02-8B-60' },
    ]);
    expect(identityCandidates('70b3d57ed005a1b2').map((c) => c.kind)).toEqual(['deveui', 'serial']);
  });
});
