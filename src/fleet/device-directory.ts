import { pickBoard } from '../devices/device-matcher.js';
import type { Device } from '../devices/devices.js';
import { type DeviceAccount, type FleetStore, unitHints } from './fleet.js';

/** One account before and after a registry change (undefined: absent). */
export interface AccountChange {
  before: DeviceAccount | undefined;
  after: DeviceAccount | undefined;
}

type ChangeListener = (changes: AccountChange[]) => void | Promise<void>;

/** The account of an MQTT device; undefined for other connectivities. */
export function accountOf(device: Device): DeviceAccount | undefined {
  if (device.connectivity !== 'mqtt' || device.mqttLogin === null) return undefined;
  const status = device.lastStatus as { unitID?: unknown } | null;
  return {
    id: device.id,
    orgId: device.orgId,
    code: device.code,
    login: device.mqttLogin,
    baseTopic: device.baseTopic,
    enabled: device.enabled,
    unitId: typeof status?.unitID === 'string' ? status.unitID : null,
    unitHints: unitHints(device.identity, device.properties.unitID),
  };
}

/** Login, base topic and enabled flag are what a broker cares about; unitId is not. */
const same = (a: DeviceAccount | undefined, b: DeviceAccount | undefined) =>
  a === b ||
  (a !== undefined && b !== undefined && a.login === b.login && a.baseTopic === b.baseTopic && a.enabled === b.enabled);

/**
 * The fleet's live picture of MQTT accounts (about 150 bytes a device), kept in step with the
 * registry by its events and by periodic reloads (other processes change the registry too).
 * It tells listeners what changed — the broker drops moved or disabled sessions, dynamic
 * security follows — and maps a topic to the device that published it when the broker does
 * not say who did (an external broker).
 */
export class DeviceDirectory {
  private readonly byId = new Map<string, DeviceAccount>();
  private readonly byTopic = new Map<string, DeviceAccount[]>();
  private readonly depthCount = new Map<number, number>();
  private readonly listeners: ChangeListener[] = [];

  constructor(private readonly store: Pick<FleetStore, 'mqttAccounts'>) {}

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): DeviceAccount | undefined {
    return this.byId.get(id);
  }

  all(): DeviceAccount[] {
    return [...this.byId.values()];
  }

  /** The numbers of levels of the base topics in use (2 for `u4/301`, 4 for `abroad/x/b/r`). */
  depths(): number[] {
    return [...this.depthCount.keys()].sort((a, b) => a - b);
  }

  /**
   * Reads every account again; differences with memory are announced unless `quiet` (the first
   * load at start, which a full reconcile follows anyway).
   */
  async load(opts: { quiet?: boolean } = {}): Promise<AccountChange[]> {
    const fresh = new Map((await this.store.mqttAccounts()).map((a) => [a.id, a]));
    const changes: AccountChange[] = [];
    for (const [id, before] of this.byId) if (!fresh.has(id)) changes.push({ before, after: undefined });
    for (const [id, after] of fresh) changes.push({ before: this.byId.get(id), after });
    return this.apply(changes, opts.quiet ?? false);
  }

  /** Reads these devices again (after a bulk import or a location change). */
  async refresh(ids: string[]): Promise<AccountChange[]> {
    const fresh = new Map((await this.store.mqttAccounts(ids)).map((a) => [a.id, a]));
    return this.apply(
      ids.map((id) => ({ before: this.byId.get(id), after: fresh.get(id) })),
      false,
    );
  }

  /** Takes a device as the registry just saved it. */
  put(device: Device): Promise<AccountChange[]> {
    return this.apply([{ before: this.byId.get(device.id), after: accountOf(device) }], false);
  }

  remove(id: string): Promise<AccountChange[]> {
    return this.apply([{ before: this.byId.get(id), after: undefined }], false);
  }

  /**
   * The base topic that is `topic` or its longest level-wise prefix, and its organisation (the
   * topic policy asks for every message). Base topics held by several organisations (from
   * before they were made unique) belong to none.
   */
  baseTopicOwner(topic: string): { orgId: string; baseTopic: string } | undefined {
    for (let end = topic.length; end > 0; end = topic.lastIndexOf('/', end - 1)) {
      const base = topic.slice(0, end);
      const list = this.byTopic.get(base);
      if (!list || list.length === 0) continue;
      const orgId = list[0]?.orgId ?? '';
      return { orgId: list.every((a) => a.orgId === orgId) ? orgId : '', baseTopic: base };
    }
    return undefined;
  }

  /** The base topics in use, or those of one organisation's devices. */
  baseTopics(orgId?: string): string[] {
    const all = [...this.byTopic.entries()];
    return (orgId === undefined ? all : all.filter(([, list]) => list.some((a) => a.orgId === orgId))).map(([t]) => t);
  }

  /** Remembers the unitID a device reported in its status. */
  learnUnit(id: string, unitId: string): void {
    const a = this.byId.get(id);
    if (a && a.unitId !== unitId) a.unitId = unitId;
  }

  /**
   * The enabled device that published on `<base>/<module>`. Several devices may share a base
   * topic (three boards in a room): the payload's unitID picks the one whose last status named
   * it, else the one expecting it (`properties.unitID`, or the firmware's default
   * `auto_<end of MAC>`); failing that, the only one whose unitID is not known yet (it learns it
   * from its status). Otherwise the message is not attributed (undefined), rather than marking a
   * room's silent boards alive.
   */
  resolve(topic: string, payload: Buffer): DeviceAccount | undefined {
    const slash = topic.lastIndexOf('/');
    if (slash <= 0) return undefined;
    const candidates = this.byTopic.get(topic.slice(0, slash))?.filter((a) => a.enabled);
    if (!candidates || candidates.length === 0) return undefined;
    return pickBoard(candidates, payload);
  }

  private async apply(changes: AccountChange[], quiet: boolean): Promise<AccountChange[]> {
    const real: AccountChange[] = [];
    for (const c of changes) {
      const id = c.before?.id ?? c.after?.id;
      if (id === undefined) continue;
      const current = this.byId.get(id);
      if (current) this.unindex(current);
      if (c.after) {
        // A status seen since the registry last wrote it is newer than the stored one.
        const after = { ...c.after, unitId: c.after.unitId ?? current?.unitId ?? null };
        this.byId.set(id, after);
        this.index(after);
      } else this.byId.delete(id);
      if (!same(c.before, c.after)) real.push(c);
    }
    if (!quiet && real.length > 0) for (const listener of this.listeners) await listener(real);
    return real;
  }

  private index(a: DeviceAccount) {
    if (a.baseTopic === null) return;
    const list = this.byTopic.get(a.baseTopic);
    if (list) list.push(a);
    else this.byTopic.set(a.baseTopic, [a]);
    const depth = a.baseTopic.split('/').length;
    this.depthCount.set(depth, (this.depthCount.get(depth) ?? 0) + 1);
  }

  private unindex(a: DeviceAccount) {
    if (a.baseTopic === null) return;
    const list = this.byTopic.get(a.baseTopic)?.filter((x) => x.id !== a.id);
    if (list && list.length > 0) this.byTopic.set(a.baseTopic, list);
    else this.byTopic.delete(a.baseTopic);
    const depth = a.baseTopic.split('/').length;
    const n = (this.depthCount.get(depth) ?? 1) - 1;
    if (n > 0) this.depthCount.set(depth, n);
    else this.depthCount.delete(depth);
  }
}
