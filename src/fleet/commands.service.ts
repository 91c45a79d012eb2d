import type { Device } from '../devices/devices.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import type { IdGenerator } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import type { PageRequest } from '../shared/page.js';
import {
  type Command,
  type CommandBus,
  type CommandInput,
  type CommandStore,
  DEVICE_MODULE,
  type DownlinkFates,
  type FateEvent,
  type LorawanOrders,
  type Sender,
} from './commands.js';

/** What orders need of the registry. */
export interface CommandRegistry {
  get(orgId: string, idOrCode: string): Promise<Device>;
  resetCredentials(orgId: string, id: string, opts: { announce: false }): Promise<Device>;
  announceReset(device: Device): Promise<void>;
}

export interface CommandOptions {
  /**
   * After a `reinstall`, how long the old session may stay so the order reaches the device;
   * then it is closed and the old password revoked, unless the device fetched its new one.
   */
  reinstallGraceMs: number;
  /** Counts each order by result (metrics). */
  counted?: (status: Command['status']) => void;
}

/** How far a downlink got: a fate event only moves the status forward. */
const FATE_RANK: Record<Command['status'], number> = { pending: 0, queued: 1, sent: 2, failed: 3, acknowledged: 4 };

const error = (code: string, message: string, details?: Record<string, unknown>) => new DomainError(code, message, details);

/**
 * Sends orders to devices and logs them. `dest` defaults to the unitID of the device's last
 * status (the firmware ignores orders for other units), else `all`. `reinstall` resets the
 * credentials before it is published, so the device that obeys gets a new password.
 */
export class CommandService implements DownlinkFates {
  private readonly timers = new Set<NodeJS.Timeout>();
  private lorawan: LorawanOrders | undefined;

  constructor(
    private readonly store: CommandStore,
    private readonly registry: CommandRegistry,
    private readonly bus: () => CommandBus | undefined,
    private readonly clock: Clock,
    private readonly newId: IdGenerator,
    private readonly logger: Logger,
    private readonly opts: CommandOptions = { reinstallGraceMs: 5000 },
  ) {}

  /** Orders to LoRaWAN devices go through this (the downlinks domain), set once at start-up. */
  attachLorawan(orders: LorawanOrders): void {
    this.lorawan = orders;
  }

  async send(orgId: string, idOrCode: string, input: CommandInput, sender: Sender): Promise<Command> {
    const device = await this.registry.get(orgId, idOrCode);
    if (device.connectivity !== 'mqtt') {
      if (device.enabled && device.connectivity === 'lorawan' && this.lorawan) {
        const sent = await this.sendLorawan(orgId, device, input, sender);
        if (sent) return sent;
      }
      if (!device.enabled) throw error('DEVICE_DISABLED', `device ${device.code} is disabled`);
      throw error(
        'DEVICE_NOT_MQTT',
        `device ${device.code} is of connectivity ${device.connectivity}: it takes no MQTT orders` +
          (device.connectivity === 'lorawan' ? ' (give its device type a downlink route for LoRaWAN orders)' : ''),
      );
    }
    if (!device.enabled) throw error('DEVICE_DISABLED', `device ${device.code} is disabled`);
    if (device.baseTopic === null)
      throw error('DEVICE_NO_BASE_TOPIC', `device ${device.code} has no base topic: give it a location or a baseTopic`);
    const bus = this.bus();
    if (!bus) throw error('UNAVAILABLE', 'MQTT is not running in this process');

    const module = input.module ?? DEVICE_MODULE;
    const unit = (device.lastStatus as { unitID?: unknown } | null)?.unitID;
    const dest = input.dest ?? (typeof unit === 'string' && unit !== '' ? unit : 'all');
    const payload = JSON.stringify({ dest, order: input.order, ...(input.value !== undefined && { value: input.value }) });
    const command: Command = {
      id: this.newId(),
      orgId,
      deviceId: device.id,
      module,
      order: input.order,
      value: input.value,
      dest,
      topic: `${device.baseTopic}/${module}/command`,
      payload,
      sentBy: sender,
      sentAt: this.clock(),
      status: 'sent',
      error: null,
      history: [],
      updatedAt: null,
    };
    if (input.order === 'reinstall') await this.registry.resetCredentials(orgId, device.id, { announce: false });
    try {
      await bus.publish(command.topic, payload, { qos: 1 });
    } catch (err) {
      command.status = 'failed';
      command.error = err instanceof Error ? err.message : String(err);
      this.logger.warn({ err, deviceId: device.id, topic: command.topic }, 'order not published');
    }
    await this.store.insert(command);
    this.opts.counted?.(command.status);
    if (input.order === 'reinstall') this.closeOldSessionLater(orgId, device.id);
    if (command.status === 'failed') throw error('UNAVAILABLE', `the broker did not take the order: ${command.error}`);
    return command;
  }

  /** A LoRaWAN downlink through the network server, logged like an MQTT order; undefined without a route. */
  private async sendLorawan(orgId: string, device: Device, input: CommandInput, sender: Sender): Promise<Command | undefined> {
    const id = this.newId();
    const out = await this.lorawan?.send(orgId, device, input, id);
    if (!out) return undefined;
    const sentAt = this.clock();
    const command: Command = {
      id,
      orgId,
      deviceId: device.id,
      module: input.module ?? DEVICE_MODULE,
      order: input.order,
      value: input.value,
      dest: out.reference ?? '',
      topic: out.target,
      payload: out.payload,
      sentBy: sender,
      sentAt,
      status: out.status,
      error: out.error,
      history: [{ status: out.status, at: sentAt, event: out.event, ...(out.error !== null && { error: out.error }) }],
      updatedAt: null,
    };
    await this.store.insert(command);
    this.opts.counted?.(command.status);
    if (out.code) throw error(out.code, out.error ?? 'the downlink failed', { commandId: id });
    return command;
  }

  /**
   * DownlinkFates: a network server's event about a downlink. The step is appended once per
   * event name (two processes may hear the same event); the status only moves forward
   * (pending → queued → sent → failed | acknowledged; a late ack after a nack still counts).
   */
  async recordFate(orgId: string, commandId: string, event: FateEvent): Promise<boolean> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await this.store.fate(orgId, commandId);
      if (!current) return false;
      if (current.history.some((h) => h.event === event.event)) return true;
      const now = this.clock();
      const forward = FATE_RANK[event.status] > FATE_RANK[current.status];
      const next = {
        status: forward ? event.status : current.status,
        error: forward && event.status === 'failed' ? (event.error ?? 'failed') : forward ? null : current.error,
        history: [
          ...current.history,
          { status: event.status, at: now, event: event.event, ...(event.error !== undefined && { error: event.error }) },
        ],
        updatedAt: now,
      };
      if (await this.store.updateFate(orgId, commandId, current, next)) return true;
    }
    this.logger.warn({ commandId, event: event.event }, 'downlink fate not recorded: the command kept changing');
    return true;
  }

  async list(orgId: string, idOrCode: string, page: PageRequest) {
    const device = await this.registry.get(orgId, idOrCode);
    return this.store.list(orgId, device.id, page);
  }

  /** Stops pending reinstall follow-ups (shutdown). */
  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private closeOldSessionLater(orgId: string, deviceId: string) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.registry
        .get(orgId, deviceId)
        .then(async (now) => {
          // Already re-provisioned: the old password is replaced and the new session must stay.
          if (!now.mqttPasswordDelivered) await this.registry.announceReset(now);
        })
        .catch((err: unknown) => this.logger.error({ err, deviceId }, 'closing the session after reinstall failed'));
    }, this.opts.reinstallGraceMs);
    timer.unref();
    this.timers.add(timer);
  }
}
