import { describe, expect, it } from 'vitest';
import { runBuiltin } from '../../src/workers/catalog.js';
import { codeBlocks, drafts, messageOf, reference } from './fixtures.js';

const md = reference('kpn-proximus-lora-samples.md');
const [proximusXml] = codeBlocks(md, 'xml');
const kpnJson = codeBlocks(md, 'json').find((b) => b.includes('DevEUI_uplink'));

describe('thingpark', () => {
  it('reads the real Proximus MyThings XML body', async () => {
    const out = await runBuiltin('thingpark', messageOf(proximusXml, { contentType: 'application/xml' }));
    expect(out.device).toEqual({ identity: { kind: 'deveui', value: '0004A30BAAAAAAAA' } });
    expect(out.observedAt).toBe(Date.parse('2017-12-05T13:03:52.725Z')); // +01:00 in the body
    expect(Buffer.from(out.payload).toString('base64')).toBe('+QA='); // the source's own check
    expect(out.metadata).toMatchObject({
      provider: 'thingpark',
      event: 'uplink',
      fPort: 1,
      fCnt: 4,
      fCntDown: 4,
      devAddr: '061019F7',
      spreadingFactor: 12,
      gatewayCount: 8,
      confirmed: false,
      customerId: '100002662',
      customerData: { alr: { pro: 'MC/RN2483', ver: '1' } },
      gateways: [
        { id: 'FF010D8A', rssi: -102, snr: -11, latitude: 50.588387, longitude: 5.555492 },
        { id: 'FF010CC6', rssi: -114, snr: -9 },
      ],
    });
    // ThingPark's best station (top-level Lrrid), not re-ranked.
    expect(drafts(out)).toEqual([
      { sensor: 'radio', observedProperty: 'rssi', unit: 'dB[mW]', value: -102 },
      { sensor: 'radio', observedProperty: 'snr', unit: 'dB', value: -11 },
    ]);
  });

  it("reads KPN's reference JSON body (all values strings, placeholders for ids and time)", async () => {
    expect(kpnJson).toBeDefined();
    const out = await runBuiltin('thingpark', messageOf(kpnJson ?? ''));
    expect(out.device).toBeUndefined(); // "XXXXXXXXXXXXXXXX" is no DevEUI
    expect(out.observedAt).toBeUndefined();
    expect(out.metadata.warnings).toEqual([
      expect.stringMatching(/^Time "yyyy-mm-ddThh:mm:ss.sss\+01:00" is not an RFC 3339 time/),
    ]);
    expect(Buffer.from(out.payload).toString('hex')).toBe('00');
    expect(out.metadata).toMatchObject({ fPort: 1, fCnt: 1, customerData: { alr: { pro: 'Static', ver: '1' } } });
    expect(drafts(out)).toEqual([
      { sensor: 'radio', observedProperty: 'rssi', unit: 'dB[mW]', value: -100 },
      { sensor: 'radio', observedProperty: 'snr', unit: 'dB', value: 1 },
    ]);
  });

  it('accepts numbers where other ThingPark versions send strings', async () => {
    const body = JSON.parse(kpnJson ?? '{}');
    Object.assign(body.DevEUI_uplink, { FPort: 41, LrrRSSI: -114.0, LrrSNR: -2.5, DevEUI: '0004a30b001c0530' });
    const out = await runBuiltin('thingpark', messageOf(body));
    expect(out.metadata.fPort).toBe(41);
    expect(out.device?.identity?.value).toBe('0004A30B001C0530');
    expect(out.measurements.map((m) => m.value)).toEqual([-114, -2.5]);
  });

  it('recognises other ThingPark documents and skips them', async () => {
    const out = await runBuiltin('thingpark', messageOf({ DevEUI_location: { DevEUI: '0004A30BAAAAAAAA' } }));
    expect(out.metadata).toMatchObject({ event: 'DevEUI_location', skip: expect.any(String) });
    expect(out.device?.identity?.value).toBe('0004A30BAAAAAAAA');
  });

  it('fails malformed XML and a bad payload_hex with DECODE_FAILED', async () => {
    await expect(runBuiltin('thingpark', messageOf('<DevEUI_uplink><FPort>1</DevEUI_uplink>'))).rejects.toMatchObject({
      code: 'DECODE_FAILED',
      message: expect.stringMatching(/thingpark: .*XML: <\/DevEUI_uplink> closes <FPort>/),
    });
    const bad = (proximusXml ?? '').replace('<payload_hex>f900</payload_hex>', '<payload_hex>f90</payload_hex>');
    await expect(runBuiltin('thingpark', messageOf(bad))).rejects.toMatchObject({
      message: 'thingpark: payload_hex is not an even-length hex string',
    });
    await expect(runBuiltin('thingpark', messageOf('<!DOCTYPE x [<!ENTITY a "b">]><x/>'))).rejects.toMatchObject({
      message: expect.stringMatching(/DOCTYPE is not accepted/),
    });
  });
});
