/**
 * ChirpStack v4 `up` integration events (HTTP `?event=up` / MQTT `…/event/up`), laid out as the
 * samples in test/fixtures/providers/chirpstack-v4-uplink.json: lower-case EUIs, `data` base64, and
 * `object` — the device-profile codec ran on ChirpStack's side. The device is an indoor air
 * quality sensor whose frame is: temperature int16 ×100, humidity uint8 ×2, CO2 uint16 ppm,
 * battery uint16 mV (big-endian); the codec's output is what `object` holds.
 */
import { Drift, indoorTemperature } from './climate.js';
import { bestReception, gatewayPool, RadioLink } from './lora-radio.js';
import { clamp, type Rng, randomHex, randomUuid, round, seededRng } from './rng.js';
import { monotonic, type Reading, type TrafficDevice, type TrafficGenerator } from './uplink.js';

export const CHIRPSTACK_APPLICATION = '6f1d2c3b-4a59-4e8f-9a7b-0c1d2e3f4a5b';
const TENANT = '52f14cd4-c6f1-4fbd-8f87-4025e1d49242';
const PROFILE = '8ed2a8fe-c149-4996-bfe8-76f06641be93';
/** `application/{application id}/device/{dev eui}/event/up`: ChirpStack v4's MQTT integration topic. */
export const chirpstackTopic = (devEui: string) => `application/${CHIRPSTACK_APPLICATION}/device/${devEui}/event/up`;

const MINUTE = 60_000;
const gateways = gatewayPool(seededRng(0xc5c5));

/** The device-profile codec's output for one frame (what ChirpStack puts in `object`). */
export interface AirQuality {
  temperature: number;
  humidity: number;
  co2: number;
  batteryVoltage: number;
}

export function encodeAirQuality(o: AirQuality): Buffer {
  const b = Buffer.alloc(7);
  b.writeInt16BE(Math.round(o.temperature * 100), 0);
  b.writeUInt8(Math.round(o.humidity * 2), 2);
  b.writeUInt16BE(Math.round(o.co2), 3);
  b.writeUInt16BE(Math.round(o.batteryVoltage * 1000), 5);
  return b;
}

/** The codec (decodeUplink's body), so `object` is exactly what the bytes say. */
export function decodeAirQuality(b: Buffer): AirQuality {
  return {
    temperature: b.readInt16BE(0) / 100,
    humidity: b.readUInt8(2) / 2,
    co2: b.readUInt16BE(3),
    batteryVoltage: b.readUInt16BE(5) / 1000,
  };
}

/** CO2 rises while a room is occupied (08–18 on weekdays) and airs out at night. */
function co2(ms: number, drift: number): number {
  const h = (((ms / 3_600_000 + 1) % 24) + 24) % 24;
  const occupied = h >= 8 && h < 18 ? 450 * Math.sin((Math.PI * (h - 8)) / 10) : 0;
  return clamp(420 + occupied + drift, 400, 5000);
}

function chirpstackDevice(index: number, rng: Rng): TrafficDevice {
  const devEui = `a84041${(0x1000000000 + index).toString(16).slice(-10)}`;
  const devAddr = `01${randomHex(rng, 3).toLowerCase()}`;
  const link = new RadioLink(rng, gateways);
  const temp = new Drift(rng, 0.8, 60 * MINUTE);
  const hum = new Drift(rng, 5, 120 * MINUTE);
  const gas = new Drift(rng, 60, 30 * MINUTE);
  const time = monotonic();
  let battery = rng.range(3.45, 3.65);
  let fCnt = rng.int(0, 300);

  return {
    kind: 'chirpstack',
    id: devEui.toUpperCase(),
    next(now) {
      const at = time(now);
      fCnt++;
      battery = Math.max(3.0, battery - 0.00002);
      const meant: AirQuality = {
        temperature: round(indoorTemperature(at, temp.sample(at)), 2),
        humidity: round(clamp(45 + hum.sample(at), 20, 80) * 2, 0) / 2,
        co2: Math.round(co2(at, gas.sample(at))),
        batteryVoltage: round(battery, 3),
      };
      const data = encodeAirQuality(meant);
      const object = decodeAirQuality(data);
      const { frequency, receptions } = link.receive(rng);
      const body = {
        deduplicationId: randomUuid(rng),
        time: new Date(at).toISOString().replace('Z', `${String(rng.int(0, 1_000_000)).padStart(6, '0')}+00:00`),
        deviceInfo: {
          tenantId: TENANT,
          tenantName: 'Polder simulation',
          applicationId: CHIRPSTACK_APPLICATION,
          applicationName: 'polder-sim',
          deviceProfileId: PROFILE,
          deviceProfileName: 'Indoor air quality',
          deviceName: `iaq-${String(index + 1).padStart(4, '0')}`,
          devEui,
          deviceClassEnabled: 'CLASS_A',
          tags: {},
        },
        devAddr,
        adr: true,
        dr: 12 - link.spreadingFactor,
        fCnt,
        fPort: 10,
        confirmed: false,
        data: data.toString('base64'),
        object,
        rxInfo: receptions.map((r) => ({
          gatewayId: r.gatewayEui.toLowerCase(),
          uplinkId: rng.int(0, 2 ** 31),
          nsTime: new Date(at - 5).toISOString().replace('Z', '000+00:00'),
          rssi: r.rssi,
          snr: r.snr,
          channel: r.channel,
          location: {},
          context: Buffer.from(randomHex(rng, 4), 'hex').toString('base64'),
          metadata: { region_common_name: 'EU868', region_config_id: 'eu868' },
          crcStatus: 'CRC_OK',
        })),
        txInfo: {
          frequency,
          modulation: { lora: { bandwidth: 125000, spreadingFactor: link.spreadingFactor, codeRate: 'CR_4_5' } },
        },
      };
      const best = bestReception(receptions);
      const exact = (observedProperty: string, unit: string, value: number): Reading => ({
        sensor: '0',
        observedProperty,
        unit,
        value,
        resolution: 0,
      });
      const readings: Reading[] = [
        ...(best
          ? [
              { ...exact('rssi', 'dB[mW]', best.rssi), sensor: 'radio' },
              { ...exact('snr', 'dB', best.snr), sensor: 'radio' },
            ]
          : []),
        exact('temperature', 'Cel', meant.temperature),
        exact('relative_humidity', '%', meant.humidity),
        exact('co2', '[ppm]', meant.co2),
        exact('battery_voltage', 'V', meant.batteryVoltage),
      ];
      return {
        pipeline: 'chirpstack',
        body: Buffer.from(JSON.stringify(body)),
        contentType: 'application/json',
        topic: chirpstackTopic(devEui),
        device: { kind: 'deveui', value: devEui.toUpperCase() },
        observedAt: at,
        readings,
      };
    },
  };
}

export const chirpstackV4Generator: TrafficGenerator = {
  kind: 'chirpstack',
  pipeline: (prefix) => ({
    name: `${prefix}chirpstack`,
    description:
      'Simulated ChirpStack v4 up events of indoor air quality sensors, decoded on ChirpStack (polder simulate traffic).',
    steps: [
      { worker: 'chirpstack-v4' },
      {
        worker: 'json-map',
        config: {
          source: 'decoded',
          fields: {
            temperature: { observedProperty: 'temperature', unit: 'Cel' },
            humidity: { observedProperty: 'relative_humidity', unit: '%' },
            co2: { observedProperty: 'co2', unit: '[ppm]' },
            batteryVoltage: { observedProperty: 'battery_voltage', unit: 'V' },
          },
        },
      },
    ],
    sources: [{ kind: 'mqtt', topic: chirpstackTopic('+') }],
    autoRegister: true,
  }),
  device: chirpstackDevice,
};
