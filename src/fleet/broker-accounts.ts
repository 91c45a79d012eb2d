import type { DeviceEvents } from '../devices/device-events.js';
import type { Logger } from '../shared/logger.js';
import type { AccountChange, DeviceDirectory } from './device-directory.js';
import type { DeviceAccount } from './fleet.js';

/** What a broker with its own account list must be told (Mosquitto dynamic security: DynsecSync). */
export interface AccountSink {
  upsert(a: { login: string; baseTopic: string | null; enabled: boolean }): Promise<void>;
  setPassword(login: string, password: string): Promise<void>;
  revokePassword(login: string, enabled: boolean): Promise<void>;
  remove(login: string): Promise<void>;
  reconcile(
    accounts: { login: string; baseTopic: string | null; enabled: boolean }[],
  ): Promise<{ created: number; updated: number; deleted: number }>;
}

/** Ends the sessions of a login (the embedded broker; an external one is told through its sink). */
export interface SessionControl {
  disconnect(login: string): Promise<number>;
}

/** Single-device changes are awaited (the API answers once the broker knows); bulk ones run behind. */
const AWAIT_AT_MOST = 10;
const ATTEMPTS = 3;

const sinkAccount = (a: DeviceAccount) => ({
  login: a.login,
  baseTopic: a.baseTopic,
  enabled: a.enabled && a.baseTopic !== null,
});

/** Keeps the directory in step with the registry's events. */
export function followRegistry(directory: DeviceDirectory, events: DeviceEvents): void {
  events.on('deviceSaved', async ({ device }) => void (await directory.put(device)));
  events.on('deviceDisabled', async (device) => void (await directory.put(device)));
  events.on('deviceDeleted', async (device) => void (await directory.remove(device.id)));
  events.on('devicesChanged', async ({ ids }) => void (await directory.refresh(ids)));
}

/**
 * The broker side of registry changes. A device that is deleted, disabled, moved to another
 * base topic or renamed loses its session (its ACL was decided at CONNECT); a credentials reset
 * too. With an account sink (dynamic security) every change is also written to the broker,
 * one command at a time in order, retried a few times; what still fails is put right by the
 * next reconcile.
 */
export class BrokerAccounts {
  private chain: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(
    private readonly deps: {
      directory: DeviceDirectory;
      events: DeviceEvents;
      sessions: () => SessionControl | undefined;
      /** Set once connected (dynamic security); undefined: the broker needs telling nothing. */
      sink: () => AccountSink | undefined;
      logger: Logger;
      retryDelayMs?: number;
    },
  ) {
    deps.directory.onChange((changes) => this.changed(changes));
    deps.events.on('credentialsReset', async (device) => {
      if (device.mqttLogin === null) return;
      const login = device.mqttLogin;
      await this.deps.sessions()?.disconnect(login);
      await this.enqueue('revokePassword', (s) => s.revokePassword(login, device.enabled && device.baseTopic !== null));
    });
    deps.events.on('passwordIssued', async ({ device, password }) => {
      if (device.mqttLogin === null) return;
      const login = device.mqttLogin;
      await this.enqueue('setPassword', (s) => s.setPassword(login, password));
    });
  }

  /** Makes the sink's account list equal to the directory (at start, and later when an operation failed). */
  async reconcile(): Promise<void> {
    const sink = this.deps.sink();
    if (!sink) return;
    this.dirty = false;
    const result = await sink.reconcile(this.deps.directory.all().map(sinkAccount));
    this.deps.logger.info(result, 'broker accounts reconciled');
  }

  async reconcileIfDirty(): Promise<void> {
    if (this.dirty) await this.reconcile();
  }

  /** Resolves when every operation queued so far has run. */
  idle(): Promise<void> {
    return this.chain;
  }

  private async changed(changes: AccountChange[]): Promise<void> {
    const sessions = this.deps.sessions();
    const work: Promise<void>[] = [];
    for (const { before, after } of changes) {
      const moved = before && (!after || after.login !== before.login || after.baseTopic !== before.baseTopic || !after.enabled);
      if (moved && sessions) await sessions.disconnect(before.login);
      if (before && (!after || after.login !== before.login)) work.push(this.enqueue('remove', (s) => s.remove(before.login)));
      if (after) work.push(this.enqueue('upsert', (s) => s.upsert(sinkAccount(after))));
    }
    if (changes.length <= AWAIT_AT_MOST) await Promise.all(work);
  }

  private enqueue(what: string, op: (sink: AccountSink) => Promise<void>): Promise<void> {
    const sink = this.deps.sink();
    if (!sink) return Promise.resolve();
    const run = this.chain.then(async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await op(sink);
        } catch (err) {
          if (attempt >= ATTEMPTS) {
            this.dirty = true;
            this.deps.logger.error({ err, op: what }, 'broker account update failed; the next reconcile retries');
            return;
          }
          await new Promise((r) => setTimeout(r, (this.deps.retryDelayMs ?? 1000) * attempt));
        }
      }
    });
    this.chain = run;
    return run;
  }
}
