/**
 * The Things Stack (TTN v3) webhook bodies: an ApplicationUp with `uplink_message`, laid out as
 * the real samples in test/fixtures/providers/ttn-v3-uplink.json (upper-case EUIs, frequency as a
 * string, zero values omitted), carrying a Cayenne LPP frame of temperature, relative humidity
 * and barometric pressure (an environment sensor such as a The Things Node or an RAK1906).
 */
import { Drift, indoorTemperature, outdoorHumidity, pressure } from './climate.js';
import { airtime, bestReception, gatewayPool, RadioLink } from './lora-radio.js';
import { encodeLpp, LPP, type LppRecord, resolutionOf } from './lpp-encode.js';
import { clamp, type Rng, randomHex, seededRng } from './rng.js';
import { monotonic, type Reading, rfc3339, type TrafficDevice, type TrafficGenerator } from './uplink.js';

export const TTN_APPLICATION = 'polder-sim';
/** `v3/{application id}@{tenant id}/devices/{device id}/up`: the topic TTS publishes uplinks on. */
export const ttnTopic = (deviceId: string) => `v3/${TTN_APPLICATION}@ttn/devices/${deviceId}/up`;

const MINUTE = 60_000;
const gateways = gatewayPool(seededRng(0x7717));

/** LPP channels as the device firmware assigns them. */
const CHANNELS = { temperature: 1, humidity: 2, pressure: 3 } as const;

function readingsOf(records: LppRecord[]): Reading[] {
  const names: Record<number, [string, string]> = {
    [LPP.temperature.type]: ['temperature', 'Cel'],
    [LPP.relativeHumidity.type]: ['relative_humidity', '%'],
    [LPP.barometricPressure.type]: ['barometric_pressure', 'hPa'],
  };
  return records.map((r) => {
    const [observedProperty, unit] = names[r.field.type] ?? ['unknown', '1'];
    return { sensor: String(r.channel), observedProperty, unit, value: r.value, resolution: resolutionOf(r.field) };
  });
}

function ttnDevice(index: number, rng: Rng): TrafficDevice {
  const devEui = `70B3D57ED0${(0x100000 + index).toString(16).toUpperCase().slice(-6)}`;
  const deviceId = `eui-${devEui.toLowerCase()}`;
  const devAddr = `260B${randomHex(rng, 2)}`;
  const joinEui = '70B3D57ED0000000';
  const sessionKeyId = Buffer.from(randomHex(rng, 16), 'hex').toString('base64');
  const link = new RadioLink(rng, gateways);
  const temp = new Drift(rng, 1.2, 90 * MINUTE);
  const hum = new Drift(rng, 6, 120 * MINUTE);
  const press = new Drift(rng, 8, 12 * 60 * MINUTE);
  const time = monotonic();
  let fCnt = rng.int(0, 500);

  return {
    kind: 'ttn',
    id: devEui,
    next(now) {
      const at = time(now);
      fCnt++;
      const records: LppRecord[] = [
        { channel: CHANNELS.temperature, field: LPP.temperature, value: indoorTemperature(at, temp.sample(at)) },
        {
          channel: CHANNELS.humidity,
          field: LPP.relativeHumidity,
          value: clamp(outdoorHumidity(at, hum.sample(at)) - 20, 10, 100),
        },
        { channel: CHANNELS.pressure, field: LPP.barometricPressure, value: pressure(press.sample(at)) },
      ];
      const frame = encodeLpp(records);
      const { frequency, receptions } = link.receive(rng);
      // The gateway hears it first, the network server a few ms later, the AS last.
      const gwTime = at - 40 - rng.int(0, 20);
      const rx = receptions.map((r) => ({
        gateway_ids: { gateway_id: `eui-${r.gatewayEui.toLowerCase()}`, eui: r.gatewayEui },
        time: rfc3339(gwTime, rng.int(0, 1000)),
        timestamp: rng.int(0, 2 ** 32),
        rssi: r.rssi,
        channel_rssi: r.rssi,
        snr: r.snr,
        uplink_token: Buffer.from(randomHex(rng, 24), 'hex').toString('base64'),
        channel_index: r.channel,
        received_at: rfc3339(gwTime + 2, rng.int(0, 1000)),
      }));
      const body = {
        end_device_ids: {
          device_id: deviceId,
          application_ids: { application_id: TTN_APPLICATION },
          dev_eui: devEui,
          join_eui: joinEui,
          dev_addr: devAddr,
        },
        correlation_ids: [`as:up:01${randomHex(rng, 12)}`, `gs:uplink:01${randomHex(rng, 12)}`],
        received_at: rfc3339(at + 25, rng.int(0, 1000)),
        uplink_message: {
          session_key_id: sessionKeyId,
          f_port: 1,
          f_cnt: fCnt,
          frm_payload: frame.toString('base64'),
          rx_metadata: rx,
          settings: {
            data_rate: { lora: { bandwidth: 125000, spreading_factor: link.spreadingFactor, coding_rate: '4/5' } },
            frequency: String(frequency),
            timestamp: rx[0]?.timestamp,
            time: rfc3339(gwTime),
          },
          received_at: rfc3339(at),
          consumed_airtime: `${airtime(link.spreadingFactor, frame.length)}s`,
          network_ids: { net_id: '000013', tenant_id: 'ttn', cluster_id: 'eu1', cluster_address: 'eu1.cloud.thethings.network' },
        },
      };
      const best = bestReception(receptions);
      const radio: Reading[] = best
        ? [
            { sensor: 'radio', observedProperty: 'rssi', unit: 'dB[mW]', value: best.rssi, resolution: 0 },
            { sensor: 'radio', observedProperty: 'snr', unit: 'dB', value: best.snr, resolution: 0 },
          ]
        : [];
      return {
        pipeline: 'ttn',
        body: Buffer.from(JSON.stringify(body)),
        contentType: 'application/json',
        topic: ttnTopic(deviceId),
        device: { kind: 'deveui', value: devEui },
        observedAt: at,
        readings: [...radio, ...readingsOf(records)],
      };
    },
  };
}

export const ttnV3Generator: TrafficGenerator = {
  kind: 'ttn',
  pipeline: (prefix) => ({
    name: `${prefix}ttn`,
    description: 'Simulated The Things Stack webhooks: Cayenne LPP temperature, humidity, pressure (polder simulate traffic).',
    steps: [{ worker: 'ttn-v3' }, { worker: 'cayenne-lpp' }],
    sources: [{ kind: 'mqtt', topic: ttnTopic('+') }],
    autoRegister: true,
  }),
  device: ttnDevice,
};
