/**
 * Uplinks for load and crash tests, built on a real TTN v3 webhook sample (test/fixtures/providers)
 * with our own DevEUI, frame counter, time and a Cayenne LPP payload of three values.
 */
import { encodeLpp, LPP } from '../../src/simulate/traffic/lpp-encode.js';
import { fixture } from '../workers/fixtures.js';

const template = fixture('ttn-v3-uplink.json').samples.tts_docs_uplink_example;

export interface LppReading {
  temperature: number; // °C, 0.1 resolution
  humidity: number; // %, 0.5 resolution
  pressure: number; // hPa, 0.1 resolution
}

/** Cayenne LPP: channel 1 temperature, 2 relative humidity, 3 barometer (the simulator's encoder). */
export const lpp = (r: LppReading): Buffer =>
  encodeLpp([
    { channel: 1, field: LPP.temperature, value: r.temperature },
    { channel: 2, field: LPP.relativeHumidity, value: r.humidity },
    { channel: 3, field: LPP.barometricPressure, value: r.pressure },
  ]);

/** A TTN v3 uplink webhook body for `devEui` observed at `time` (ms) carrying `reading`. */
export function ttnUplink(devEui: string, fCnt: number, time: number, reading: LppReading): Record<string, unknown> {
  const iso = new Date(time).toISOString();
  const up = template.uplink_message;
  return {
    ...template,
    end_device_ids: { ...template.end_device_ids, dev_eui: devEui, device_id: `dev-${devEui.toLowerCase()}` },
    received_at: iso,
    uplink_message: {
      ...up,
      f_port: 1,
      f_cnt: fCnt,
      frm_payload: lpp(reading).toString('base64'),
      decoded_payload: undefined,
      received_at: iso,
    },
  };
}

/** A reading that follows from the uplink's number, so a test knows what each one carried. */
export const readingOf = (i: number): LppReading => ({
  temperature: ((i % 400) - 100) / 10,
  humidity: (i % 200) / 2,
  pressure: 950 + (i % 1000) / 10,
});
