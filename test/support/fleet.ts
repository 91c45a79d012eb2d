import type { ImportDevice } from '../../src/devices/device-schemas.js';

/** The buildings and rooms a generated fleet is spread over (default site). */
export const FLEET_BUILDINGS = ['u1', 'u2', 'u3', 'u4', 'irit1', 'irit2', 'bu', 'ecolab'];
export const ROOMS_PER_BUILDING = 25;
export const roomSlug = (i: number) => String(100 + i);

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/**
 * A campus fleet in the import shape: 4 of 5 devices neOCampus boards (MAC, MQTT, a config and
 * sensors), 1 of 5 LoRaWAN nodes (DevEUI, outdoors). Deterministic, so two calls agree.
 */
export function generateFleet(n: number): ImportDevice[] {
  const out: ImportDevice[] = [];
  for (let i = 0; i < n; i++) {
    const code = `dev-${String(i).padStart(6, '0')}`;
    const building = FLEET_BUILDINGS[i % FLEET_BUILDINGS.length] as string;
    const room = roomSlug(Math.floor(i / FLEET_BUILDINGS.length) % ROOMS_PER_BUILDING);
    if (i % 5 === 4) {
      out.push({
        code,
        type: 'lorawan-node',
        identity: { kind: 'deveui', value: `70B3D57ED0${hex(i, 6).toUpperCase()}` },
        description: `LoRaWAN node ${i}, "outdoor", zone ${i % 7}`,
        location: { outdoor: `zone-${i % 7}` },
        latitude: 43.56 + (i % 100) / 10_000,
        longitude: 1.46 + (i % 37) / 10_000,
        properties: { battery: 'AA', tags: ['lora', `z${i % 7}`] },
        config: {},
        enabled: i % 50 !== 4,
        offlineAfter: 7200,
        sensors: [{ code: '1', externalId: '1', archiveDays: 365 }],
      });
    } else {
      out.push({
        code,
        type: 'neosensor',
        identity: { kind: 'mac', value: `24:0a:c4:${hex(i >> 16, 2)}:${hex((i >> 8) & 0xff, 2)}:${hex(i & 0xff, 2)}` },
        description: i % 3 === 0 ? null : `Room ${building}/${room}, board ${i}`,
        location: { site: 'main', building, room },
        properties: { floor: i % 4, owner: { team: i % 2 ? 'irit' : 'dsi' } },
        config: {
          frequency: 60 + (i % 10) * 30,
          modules: [{ module: 'temperature', unit: 'mcp9808', params: [{ param: 'subIDs', value: 'ouest' }] }],
        },
        enabled: true,
        offlineAfter: 1800,
        sensors: [
          { code: 'ouest', externalId: 'ouest', brand: 'Microchip', model: 'MCP9808' },
          { code: 'lux', externalId: '3', properties: { range: [0, 65535] } },
        ],
      });
    }
  }
  return out;
}

/** The neOCampus board type the fleet uses, with a schema its configs meet. */
export const NEOSENSOR_TYPE = {
  name: 'neosensor',
  connectivity: 'mqtt',
  configSchema: {
    type: 'object',
    properties: { frequency: { type: 'integer', minimum: 10, maximum: 3600 }, modules: { type: 'array' } },
    required: ['frequency'],
  },
};
