import type { ImportDevice } from '../../devices/device-schemas.js';
import { type FleetAdmin, inParallel, type SimPlace } from './fleet-admin.js';
import { DEFAULT_SIM_MODULES } from './sensors.js';
import { type SimEvent, SimulatedDevice } from './sim-device.js';
import type { SimEnvironment } from './sim-http.js';

export interface NeocampusSimOptions {
  devices: number;
  /** Polder's HTTP base URL, where the boards provision themselves. */
  baseUrl: string;
  /** Creates the devices (API or in process). */
  admin: FleetAdmin;
  intervalS?: number;
  statusEveryS?: number;
  qos?: 0 | 1;
  /** Codes are `<prefix>00001` …, buildings `<prefix>b1` …; default `sim-`. */
  prefix?: string;
  /** Boards per room (they share its base topic and are told apart by unitID). */
  perRoom?: number;
  roomsPerBuilding?: number;
  /** Devices' offlineAfter in seconds (default: the registry's, 1800). */
  offlineAfter?: number;
  bootConcurrency?: number;
  mqttUrl?: string;
  random?: () => number;
  onEvent?: (code: string, e: SimEvent) => void;
  /** Told how long each setup phase took (benchmarks). */
  onPhase?: (phase: 'places' | 'import' | 'reset' | 'boot', ms: number) => void;
}

export interface SimStats {
  devices: number;
  connected: number;
  published: number;
  orders: number;
  errors: number;
  lastError: string | undefined;
}

export interface RunningSimulation {
  devices: Map<string, SimulatedDevice>;
  stats(): SimStats;
  stop(): Promise<void>;
}

/** The fleet as the registry should hold it: codes, MACs, rooms, and the modules /device/config serves. */
export function simulatedFleet(
  opts: Required<Pick<NeocampusSimOptions, 'devices' | 'prefix' | 'perRoom' | 'roomsPerBuilding'>> & {
    intervalS: number;
    offlineAfter?: number | undefined;
  },
): { devices: (ImportDevice & { mac: string })[]; places: SimPlace[] } {
  const devices: (ImportDevice & { mac: string })[] = [];
  const places = new Map<string, SimPlace>();
  for (let i = 0; i < opts.devices; i++) {
    const roomIndex = Math.floor(i / opts.perRoom);
    const place = {
      building: `${opts.prefix}b${Math.floor(roomIndex / opts.roomsPerBuilding) + 1}`,
      room: `r${(roomIndex % opts.roomsPerBuilding) + 1}`,
    };
    places.set(`${place.building}/${place.room}`, place);
    // 02: a locally administered MAC; 53:49 is "SI".
    const mac = `02:53:49:${[16, 8, 0].map((s) => ((i >> s) & 0xff).toString(16).padStart(2, '0')).join(':')}`;
    devices.push({
      mac,
      code: `${opts.prefix}${String(i + 1).padStart(5, '0')}`,
      type: 'esp32',
      identity: { kind: 'mac', value: mac },
      description: 'Simulated neOCampus board (polder simulate neocampus)',
      location: place,
      config: { modules: DEFAULT_SIM_MODULES.map((m) => ({ ...m, frequency: opts.intervalS })) },
      properties: { simulated: true },
      ...(opts.offlineAfter !== undefined && { offlineAfter: opts.offlineAfter }),
    });
  }
  return { devices, places: [...places.values()] };
}

/**
 * `polder simulate neocampus`: makes sure N boards exist in the registry (creating buildings,
 * rooms and devices, resetting credentials a previous run took), then runs them: each boots
 * over HTTP like the firmware, connects over MQTT, publishes, and obeys orders.
 */
export async function runNeocampusSimulation(opts: NeocampusSimOptions): Promise<RunningSimulation> {
  const prefix = opts.prefix ?? 'sim-';
  const intervalS = opts.intervalS ?? 60;
  const fleet = simulatedFleet({
    devices: opts.devices,
    prefix,
    perRoom: opts.perRoom ?? 4,
    roomsPerBuilding: opts.roomsPerBuilding ?? 25,
    intervalS,
    offlineAfter: opts.offlineAfter,
  });
  let t0 = performance.now();
  const phase = (name: 'places' | 'import' | 'reset' | 'boot') => {
    const now = performance.now();
    opts.onPhase?.(name, now - t0);
    t0 = now;
  };
  await opts.admin.ensurePlaces(fleet.places);
  phase('places');
  await opts.admin.importDevices(fleet.devices.map(({ mac: _mac, ...d }) => d));
  phase('import');
  // A password delivered to an earlier run is gone with it: the next credentials call must issue one.
  const taken = new Set(await opts.admin.delivered(prefix));
  const codes = fleet.devices.map((d) => d.code).filter((c) => taken.has(c));
  await inParallel(codes, 16, (code) => opts.admin.resetCredentials(code));
  phase('reset');

  const stats: SimStats = { devices: opts.devices, connected: 0, published: 0, orders: 0, errors: 0, lastError: undefined };
  const env: SimEnvironment = {
    baseUrl: opts.baseUrl,
    mqttUrl: opts.mqttUrl,
    random: opts.random ?? Math.random,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
  const devices = new Map<string, SimulatedDevice>();
  for (const d of fleet.devices) {
    const device = new SimulatedDevice(
      env,
      { mac: d.mac, intervalS, statusEveryS: opts.statusEveryS ?? 300, qos: opts.qos ?? 0 },
      (e) => {
        if (e.kind === 'published') stats.published += e.count;
        else if (e.kind === 'order') stats.orders++;
        else if (e.kind === 'error') {
          stats.errors++;
          stats.lastError = `${d.code}: ${e.message}`;
        }
        opts.onEvent?.(d.code, e);
      },
    );
    devices.set(d.code, device);
  }
  // Boot a bounded number at a time; a board that fails keeps retrying on its own.
  await inParallel([...devices.values()], opts.bootConcurrency ?? 50, async (device) => {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([device.boot(), new Promise<void>((r) => (timer = setTimeout(r, 30_000)))]);
    clearTimeout(timer);
  });
  phase('boot');
  return {
    devices,
    stats: () => ({ ...stats, connected: [...devices.values()].filter((d) => d.connected).length }),
    async stop() {
      await Promise.all([...devices.values()].map((d) => d.stop()));
    },
  };
}
