/**
 * The dashboard's budget figures: compressed JavaScript of the first screen (what index.html
 * loads: the entry and its preloaded chunks) against the 300 KB budget, each lazy route's chunk,
 * and filtering + sorting 10,000 devices with the fleet view's functions. Needs `npm run build`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { applyActivity, type FleetDevice, filterDevices, sortDevices } from '../web/src/lib/fleet.js';

const dist = path.join(import.meta.dirname, '..', 'web', 'dist');
const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
const first = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1] as string);
const gz = (file: string) => gzipSync(readFileSync(path.join(dist, file))).length;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

let js = 0;
for (const f of first) {
  const size = gz(f);
  if (f.endsWith('.js')) js += size;
  console.log(`first screen  ${f.padEnd(40)} ${kb(size)} gzip`);
}
console.log(`first screen JavaScript: ${kb(js)} gzip (budget 300 KB)`);
for (const f of readdirSync(path.join(dist, 'assets')).sort()) {
  if (!f.endsWith('.js') || first.includes(`assets/${f}`)) continue;
  console.log(`lazy chunk    ${`assets/${f}`.padEnd(40)} ${kb(gz(`assets/${f}`))} gzip`);
}

const devices: FleetDevice[] = Array.from({ length: 10_000 }, (_, i) => ({
  id: `id-${i}`,
  code: `dev-${String(i).padStart(5, '0')}`,
  type: ['esp32', 'rpi3', 'lorawan-node'][i % 3] as string,
  connectivity: i % 3 === 2 ? 'lorawan' : 'mqtt',
  state: ['online', 'offline', 'unknown'][i % 7 === 0 ? 1 : i % 11 === 0 ? 2 : 0] as string,
  enabled: true,
  offlineAfter: 1800,
  lastSeenAt: new Date(Date.now() - (i % 5000) * 1000).toISOString(),
  description: null,
  location: { site: 'main', building: `b${i % 20}`, room: `r${i % 200}`, outdoor: null },
  locationIds: { site: 's1', building: `B${i % 20}`, room: `R${i % 200}` },
}));
const runs = 50;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let shown = 0;
for (let r = 0; r < runs; r++) {
  shown = sortDevices(filterDevices(devices, { q: `b${r % 20}`, state: r % 2 ? 'online' : null }), {
    key: 'lastSeenAt',
    desc: true,
  }).length;
}
const ms = (performance.now() - t0) / runs;
console.log(
  `filter + sort of 10,000 devices: ${ms.toFixed(2)} ms per keystroke (last: ${shown} shown); the table renders ~31 rows`,
);
const filterCpu = process.cpuUsage(cpu0);
console.log(`  (${((filterCpu.user + filterCpu.system) / 1000 / runs).toFixed(2)} ms CPU per keystroke)`);

// A live update (GET /api/fleet/activity): 100 devices seen since the last look, patched into 10,000.
let list = devices;
const change = (r: number) => ({
  devices: Array.from({ length: 100 }, (_, k) => {
    const d = devices[(r * 100 + k) % devices.length] as FleetDevice;
    return { id: d.id, state: 'online', enabled: true, lastSeenAt: new Date(Date.now() + r).toISOString() };
  }),
  removed: [],
});
const cpu1 = process.cpuUsage();
for (let r = 0; r < runs; r++) list = applyActivity(list, change(r)).devices;
const used = process.cpuUsage(cpu1);
console.log(
  `live update of 100 devices into 10,000: ${((used.user + used.system) / 1000 / runs).toFixed(2)} ms CPU per event (${list.length} devices)`,
);
