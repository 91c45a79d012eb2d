/**
 * `polder simulate traffic` (the default of `polder simulate`): options, their checks (a bad
 * value exits with code 2 naming the option), and a progress line every 5 seconds.
 */
import { type Command, type CommanderError, InvalidArgumentError, Option } from 'commander';
import { isTrafficKind } from './generators.js';
import { defaultMqttUrl, type RunningTraffic, startTrafficSimulation, type TrafficStats } from './traffic-simulation.js';
import { TRAFFIC_KINDS, type TrafficKind } from './uplink.js';

function rateArg(v: string): number {
  if (v === 'max') return Number.POSITIVE_INFINITY;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError('a positive number of uplinks per second, or "max"');
  return n;
}

function wholeArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number of at least 1');
  return n;
}

function secondsArg(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a positive number of seconds');
  return n;
}

function kindsArg(v: string): TrafficKind[] {
  const kinds = v
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  const bad = kinds.filter((k) => !isTrafficKind(k));
  if (kinds.length === 0 || bad.length > 0)
    throw new InvalidArgumentError(
      `${bad.length > 0 ? `unknown kind ${bad.join(', ')}; ` : ''}a comma-separated list of ${TRAFFIC_KINDS.join(', ')}`,
    );
  return kinds as TrafficKind[];
}

function urlArg(schemes: string[]) {
  return (v: string): string => {
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      throw new InvalidArgumentError(`a URL (${schemes.join(', ')})`);
    }
    if (!schemes.includes(u.protocol.replace(/:$/, ''))) throw new InvalidArgumentError(`a URL (${schemes.join(', ')})`);
    return v;
  };
}

/** "sent 120, accepted 118, rejected 2 (HTTP 503 INBOX_UNAVAILABLE ×2), 23.6 uplinks/s" */
export function progressLine(now: TrafficStats, before: { accepted: number; at: number }, at: number): string {
  const secs = Math.max(0.001, (at - before.at) / 1000);
  const reasons = Object.entries(now.reasons)
    .map(([r, n]) => `${r} ×${n}`)
    .join(', ');
  const rate = (now.accepted - before.accepted) / secs;
  return (
    `sent ${now.sent}, accepted ${now.accepted}, rejected ${now.rejected}${reasons ? ` (${reasons})` : ''}, ` +
    `${rate.toFixed(1)} uplinks/s${now.skipped > 0 ? `, ${now.skipped} skipped (target too slow)` : ''}`
  );
}

export function addTrafficCommand(simulate: Command): Command {
  const traffic = simulate
    .command('traffic', { isDefault: true })
    .description(
      'send realistic uplinks at a chosen rate: TTN v3 webhooks with Cayenne LPP (ttn), ChirpStack v4 events (chirpstack), ' +
        'three-phase power meters sampled at 12 Hz (power) and weather stations (weather). The pipelines they need ' +
        '(sim-ttn, sim-chirpstack, sim-power, sim-weather) are created through the API, or reused by name.',
    )
    .option('--url <url>', 'Polder HTTP base URL', urlArg(['http', 'https']), 'http://localhost:8080')
    .addOption(
      new Option('--token <key>', 'API key with pipelines:write and uplinks:write (admin:write for --transport mqtt)').env(
        'POLDER_ADMIN_TOKEN',
      ),
    )
    .option('--rate <n>', 'uplinks per second, all devices together ("max": as fast as Polder answers)', rateArg, 10)
    .option('--devices <n>', 'simulated devices, spread over the kinds in turn', wholeArg, 8)
    .option('--duration <s>', 'stop after this many seconds (default: run until interrupted)', secondsArg)
    .addOption(
      new Option('--transport <t>', 'HTTP POST /api/uplinks/{id}, or MQTT QoS 1 on the pipeline topic')
        .choices(['http', 'mqtt'])
        .default('http'),
    )
    .option('--mqtt-url <url>', 'MQTT broker (default: the host of --url, port 1883)', urlArg(['mqtt', 'mqtts', 'ws', 'wss']))
    .addOption(
      new Option('--kinds <list>', `comma-separated kinds to send (${TRAFFIC_KINDS.join(', ')})`)
        .argParser(kindsArg)
        .default([...TRAFFIC_KINDS], 'all'),
    )
    .option('--concurrency <n>', 'uplinks in flight at most', wholeArg, 32)
    .option('--seed <n>', 'random seed: the same seed sends the same devices and values', wholeArg, 1)
    .option('--prefix <p>', 'pipeline names are <p><kind>', 'sim-')
    .addHelpText(
      'after',
      '\nEach uplink is one reading taken when it is sent; a power meter replays its native 12 Hz when it gets\n' +
        '12 uplinks/s (e.g. --kinds power --devices 2 --rate 24). A progress line is printed every 5 s.\n' +
        'Examples:\n  polder simulate --rate 20 --duration 60\n  polder simulate traffic --transport mqtt --kinds ttn,weather --devices 100 --rate 50\n',
    )
    .exitOverride((err: CommanderError) => {
      // Bad option values are usage errors: exit code 2, as for a bad config.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') process.exit(0);
      process.exit(err.code.startsWith('commander.') ? 2 : err.exitCode);
    })
    .action((o) => runTraffic(o, 'traffic'));

  addPowerMeterCommand(simulate);
  return traffic;
}

interface TrafficOptions {
  url: string;
  token?: string | undefined;
  rate: number;
  devices: number;
  duration?: number | undefined;
  transport: 'http' | 'mqtt';
  mqttUrl?: string | undefined;
  kinds: TrafficKind[];
  concurrency: number;
  seed: number;
  prefix: string;
}

/** Runs the simulation until --duration or a signal, printing progress; exits the process. */
async function runTraffic(o: TrafficOptions, name: string): Promise<void> {
  if (!o.token) {
    process.stderr.write(`polder simulate ${name}: give an API key with --token or POLDER_ADMIN_TOKEN\n`);
    process.exit(2);
  }
  let sim: RunningTraffic;
  try {
    sim = await startTrafficSimulation({
      baseUrl: o.url,
      token: o.token,
      rate: o.rate,
      devices: o.devices,
      durationS: o.duration,
      transport: o.transport,
      mqttUrl: o.mqttUrl ?? (o.transport === 'mqtt' ? defaultMqttUrl(o.url) : undefined),
      kinds: o.kinds,
      concurrency: o.concurrency,
      seed: o.seed,
      prefix: o.prefix,
    });
  } catch (err) {
    process.stderr.write(`polder simulate ${name}: cannot start: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const names = [...sim.pipelines.entries()].map(([k, p]) => `${k} → ${p.name} (${p.id})`).join(', ');
  process.stdout.write(
    `sending to ${o.url} over ${o.transport}, ${o.devices} devices, ${o.rate === Number.POSITIVE_INFINITY ? 'max' : o.rate} uplinks/s; pipelines: ${names}\n`,
  );
  let mark = { accepted: 0, at: Date.now() };
  const timer = setInterval(() => {
    const at = Date.now();
    const s = sim.stats();
    process.stdout.write(`${progressLine(s, mark, at)}\n`);
    mark = { accepted: s.accepted, at };
  }, 5000);
  let finishing = false;
  const finish = async () => {
    if (finishing) return;
    finishing = true;
    clearInterval(timer);
    await sim.stop();
    const s = sim.stats();
    process.stdout.write(`done: ${progressLine(s, { accepted: 0, at: s.startedAt }, Date.now())} (average)\n`);
    process.exit(s.accepted > 0 || s.sent === 0 ? 0 : 1);
  };
  process.once('SIGINT', () => void finish());
  process.once('SIGTERM', () => void finish());
  await sim.done;
  await finish();
}

/**
 * `polder simulate power-meter --hz 12`: three-phase meters at their sampling rate (the traffic
 * simulator's `power` kind, `--meters` of them, `hz × meters` uplinks a second).
 */
function addPowerMeterCommand(simulate: Command): Command {
  return simulate
    .command('power-meter')
    .description(
      'three-phase power meters (V, A, W, power factor per phase L1–L3) sampled at --hz, through the sim-power pipeline',
    )
    .option('--url <url>', 'Polder HTTP base URL', urlArg(['http', 'https']), 'http://localhost:8080')
    .addOption(new Option('--token <key>', 'API key with pipelines:write and uplinks:write').env('POLDER_ADMIN_TOKEN'))
    .option('--hz <n>', 'samples per second of each meter', rateArg, 12)
    .option('--meters <n>', 'simulated meters', wholeArg, 1)
    .option('--duration <s>', 'stop after this many seconds (default: run until interrupted)', secondsArg)
    .addOption(new Option('--transport <t>', 'HTTP or MQTT QoS 1').choices(['http', 'mqtt']).default('http'))
    .option('--mqtt-url <url>', 'MQTT broker (default: the host of --url, port 1883)', urlArg(['mqtt', 'mqtts', 'ws', 'wss']))
    .option('--seed <n>', 'random seed', wholeArg, 1)
    .option('--prefix <p>', 'the pipeline is <p>power', 'sim-')
    .exitOverride((err: CommanderError) => {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') process.exit(0);
      process.exit(err.code.startsWith('commander.') ? 2 : err.exitCode);
    })
    .action((o) =>
      runTraffic(
        {
          ...o,
          kinds: ['power'],
          devices: o.meters,
          rate: o.hz * o.meters,
          concurrency: Math.max(32, Math.ceil(o.hz * o.meters)),
        },
        'power-meter',
      ),
    );
}
