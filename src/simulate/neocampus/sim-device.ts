import mqtt, { type MqttClient } from 'mqtt';
import type { ModuleEntry } from '../../devices/devices.js';
import { backoffDelay } from '../../shared/backoff.js';
import { DEFAULT_SIM_MODULES, reading, subIdsOf } from './sensors.js';
import { getJson, type SimEnvironment } from './sim-http.js';

/** What a simulated board reports to whoever runs it. */
export type SimEvent =
  | { kind: 'connected' }
  | { kind: 'published'; count: number }
  | { kind: 'order'; order: string; module: string }
  | { kind: 'error'; step: string; message: string };

export interface SimDeviceOptions {
  /** As the firmware prints it: lower-case hex with colons. */
  mac: string;
  /** Seconds between data publications (the module `frequency` when the config gives none). */
  intervalS: number;
  /** Seconds between status publications on `<base>/device`. */
  statusEveryS: number;
  qos: 0 | 1;
}

const FIRMWARE = 'polder-sim-1';
const pad = (n: number) => String(n).padStart(2, '0');

/** `%Y-%m-%d %H:%M:%S %z`, the firmware's status time (UTC here). */
const statusTime = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
};

/**
 * One neOCampus board, played the way its firmware behaves (neosensor sensocampus.cpp,
 * device.cpp; test/fixtures/reference/neocampus.md): credentials by MAC, config with HTTP Basic, then
 * MQTT with those credentials; data on `<base>/<module>`, status on `<base>/device`, orders on
 * `<base>/+/command` obeyed when `dest` is `all` or its unitID. Light on purpose: one MQTT
 * connection and two timers, so 10,000 of them fit in one process.
 */
export class SimulatedDevice {
  readonly unitId: string;
  login: string | undefined;
  baseTopic: string | undefined;
  private password: string | undefined;
  private modules: ModuleEntry[] = [];
  private client: MqttClient | undefined;
  private timers: NodeJS.Timeout[] = [];
  private intervalS: number;
  private stopped = false;
  private booting: Promise<void> | undefined;
  private mqttUrl = '';

  constructor(
    private readonly env: SimEnvironment,
    private readonly opts: SimDeviceOptions,
    private readonly onEvent: (e: SimEvent) => void = () => {},
  ) {
    // The firmware's default unit name: auto_ and the last four hex digits of the MAC.
    this.unitId = `auto_${opts.mac.replace(/:/g, '').slice(-4)}`;
    this.intervalS = opts.intervalS;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Boots (again): credentials, config, MQTT. Retries until it works or stop() is called. */
  boot(): Promise<void> {
    this.booting ??= this.bootLoop().finally(() => {
      this.booting = undefined;
    });
    return this.booting;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.halt();
    await this.booting?.catch(() => {});
  }

  /** Publishes a reading of every sensor of every module now. */
  publishData(only?: string): void {
    const base = this.baseTopic;
    if (!base || !this.client?.connected) return;
    let count = 0;
    for (const entry of this.modules) {
      if (entry.module === 'device' || (only !== undefined && entry.module !== only)) continue;
      for (const subID of subIdsOf(entry)) {
        const body = reading(entry.module, subID, this.unitId, Date.now(), this.env.random);
        this.client.publish(`${base}/${entry.module}`, JSON.stringify(body), { qos: this.opts.qos });
        count++;
      }
    }
    if (count > 0) this.onEvent({ kind: 'published', count });
  }

  /** The device module's status, published on `<base>/device`. */
  publishStatus(status = 'running'): void {
    if (!this.baseTopic || !this.client?.connected) return;
    const body = {
      frequency: this.intervalS,
      time: statusTime(Date.now()),
      status,
      modules: this.modules.length,
      heap: 30_000 + Math.floor(this.env.random() * 10_000),
      hardware: 'esp32',
      firmware: FIRMWARE,
      board: 'polder-simulated',
      board_rev: 1,
      unitID: this.unitId,
    };
    this.client.publish(`${this.baseTopic}/device`, JSON.stringify(body), { qos: this.opts.qos });
    this.onEvent({ kind: 'published', count: 1 });
  }

  private async bootLoop(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await this.provision();
        await this.connect();
        return;
      } catch (err) {
        this.onEvent({ kind: 'error', step: 'boot', message: (err as Error).message });
        this.halt();
        // The firmware retries forever; back off up to a minute, with jitter so a fleet spreads out.
        await this.env.sleep(backoffDelay(attempt, { baseMs: 2000, maxMs: 60_000, jitter: 0.5 }, this.env.random));
      }
    }
  }

  private async provision(): Promise<void> {
    const creds = await getJson<{ login: string; password?: string; server: string; port: number }>(
      this.env,
      `/device/credentials?mac=${encodeURIComponent(this.opts.mac)}`,
    );
    // sensocampus.cpp: a password comes only the first time; without one, the stored one is
    // reused if the login is the same, otherwise the board cannot go on.
    if (creds.password) this.password = creds.password;
    else if (creds.login !== this.login || this.password === undefined)
      throw new Error('no password provided and logins do not match');
    this.login = creds.login;
    const config = await getJson<{ topics: string[]; zones: { modules: ModuleEntry[] }[] }>(this.env, '/device/config', {
      authorization: `Basic ${Buffer.from(`${creds.login}:${this.password}`).toString('base64')}`,
    });
    this.baseTopic = config.topics[0];
    if (!this.baseTopic) throw new Error('the config names no topic');
    const modules = config.zones[0]?.modules ?? [];
    this.modules = modules.length > 0 ? modules : DEFAULT_SIM_MODULES;
    this.mqttUrl = this.env.mqttUrl ?? `mqtt://${creds.server}:${creds.port}`;
  }

  private connect(): Promise<void> {
    const client = mqtt.connect(this.mqttUrl, {
      username: this.login,
      password: this.password,
      clientId: `${this.unitId}-${this.opts.mac.replace(/:/g, '')}`,
      keepalive: 60,
      reconnectPeriod: 0,
      connectTimeout: 30_000,
    });
    this.client = client;
    return new Promise((resolve, reject) => {
      client.once('connect', () => {
        const base = this.baseTopic as string;
        client.subscribe(`${base}/+/command`, { qos: 1 });
        client.on('message', (topic, payload) => this.obey(topic, payload));
        client.on('close', () => this.lost(client));
        this.onEvent({ kind: 'connected' });
        this.publishStatus('starting');
        this.schedule();
        resolve();
      });
      client.once('error', (err) => reject(err));
      client.once('close', () => reject(new Error('connection closed before CONNACK')));
    });
  }

  /** Data every interval, status every statusEveryS; both start at a random offset. */
  private schedule() {
    this.clearTimers();
    const every = (seconds: number, task: () => void) => {
      const first = setTimeout(
        () => {
          task();
          const t = setInterval(task, seconds * 1000);
          t.unref();
          this.timers.push(t);
        },
        this.env.random() * seconds * 1000,
      );
      first.unref();
      this.timers.push(first);
    };
    every(this.intervalS, () => this.publishData());
    every(this.opts.statusEveryS, () => this.publishStatus());
  }

  private obey(topic: string, payload: Buffer) {
    let order: { dest?: unknown; order?: unknown; value?: unknown };
    try {
      order = JSON.parse(payload.toString('utf8'));
    } catch {
      return;
    }
    // Messages without dest are rejected; dest is compared lower-cased (neocampus.md §4).
    if (typeof order.dest !== 'string' || typeof order.order !== 'string') return;
    const dest = order.dest.toLowerCase();
    if (dest !== 'all' && dest !== this.unitId.toLowerCase()) return;
    const module = topic.split('/').at(-2) ?? '';
    this.onEvent({ kind: 'order', order: order.order, module });
    switch (order.order) {
      case 'status':
        return this.publishStatus();
      case 'acquire':
        return this.publishData(module === 'device' ? undefined : module);
      case 'frequency':
        if (typeof order.value === 'number' && order.value >= 1) {
          this.intervalS = order.value;
          this.schedule();
        }
        return;
      case 'reboot':
      case 'restart':
        return this.restart(false);
      case 'reinstall':
        return this.restart(true);
    }
  }

  private restart(forget: boolean) {
    this.publishStatus('rebooting');
    if (forget) this.password = undefined;
    const client = this.client;
    this.client = undefined;
    this.clearTimers();
    client?.end(false, {}, () => void this.boot());
  }

  /** The broker closed the connection (kicked, credentials reset, broker down): boot again after a while. */
  private lost(client: MqttClient) {
    if (this.stopped || this.client !== client) return;
    this.client = undefined;
    this.clearTimers();
    const t = setTimeout(() => void this.boot(), 1000 + this.env.random() * 4000);
    t.unref();
  }

  private clearTimers() {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }

  private halt() {
    this.clearTimers();
    const client = this.client;
    this.client = undefined;
    client?.end(true);
  }
}
