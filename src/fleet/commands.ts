import type { Device } from '../devices/devices.js';
import type { Page, PageRequest } from '../shared/page.js';

/**
 * Orders sent to devices on `<base>/<module>/command` as `{"dest","order","value"}`
 * (neOCampus, test/fixtures/reference/neocampus.md §4), and their log.
 */

/** Orders Polder gives a meaning of its own to; any other order is passed through as given. */
export const BUILTIN_ORDERS = ['status', 'reboot', 'reinstall'] as const;
/** The module built-in orders go to when none is named: the board itself. */
export const DEVICE_MODULE = 'device';

export interface CommandInput {
  /** Defaults to `device`. */
  module?: string | undefined;
  order: string;
  value?: unknown;
  /** `all` or a unitID; defaults to the unitID of the device's last status, else `all`. */
  dest?: string | undefined;
}

/** Who sent an order (a user or an API key). */
export interface Sender {
  kind: string;
  id: string;
  name: string;
}

export interface Command {
  id: string;
  orgId: string;
  deviceId: string;
  module: string;
  order: string;
  value: unknown;
  dest: string;
  topic: string;
  /** Exactly what was published. */
  payload: string;
  sentBy: Sender;
  sentAt: number;
  /**
   * neOCampus orders: `sent` (the broker took it, QoS 1) or `failed`. LoRaWAN downlinks (their
   * fate, from the network server's events): `pending` (published on the provider's MQTT broker,
   * not yet confirmed), `queued` (in the network server's queue), `sent` (transmitted by a
   * gateway), `acknowledged` (a confirmed downlink the device acknowledged), `failed`.
   */
  status: CommandStatus;
  error: string | null;
  /** LoRaWAN downlinks: each step of the fate, oldest first; empty for neOCampus orders. */
  history: FateStep[];
  /** When the fate last changed (null until a provider event). */
  updatedAt: number | null;
}

export const COMMAND_STATUSES = ['pending', 'queued', 'sent', 'acknowledged', 'failed'] as const;
export type CommandStatus = (typeof COMMAND_STATUSES)[number];

/** One step of a downlink's fate: what was heard (`event`, e.g. `down/sent`, `txack`) and when. */
export interface FateStep {
  status: CommandStatus;
  at: number;
  event: string;
  error?: string;
}

/** A fate event from a network server about one command. */
export interface FateEvent {
  status: CommandStatus;
  event: string;
  error?: string | undefined;
}

export interface CommandStore {
  insert(command: Command): Promise<void>;
  /** Newest first. */
  list(orgId: string, deviceId: string, page: PageRequest): Promise<Page<Command>>;
  /** The fate of a LoRaWAN downlink (undefined: no such command, or not a downlink). */
  fate(orgId: string, id: string): Promise<Pick<Command, 'status' | 'error' | 'history'> | undefined>;
  /**
   * Writes a new fate if it is still `expected` (optimistic: two processes hearing the same event
   * do not both append it); false when it changed meanwhile.
   */
  updateFate(
    orgId: string,
    id: string,
    expected: Pick<Command, 'status' | 'history'>,
    next: Pick<Command, 'status' | 'error' | 'history' | 'updatedAt'>,
  ): Promise<boolean>;
}

/** An order to a LoRaWAN device as its network server took it (or did not). */
export interface LorawanOrder {
  /** Where it went, e.g. `ttn-v3:<application>/<device>` or `chirpstack-v4:<deveui>` (logged as the topic). */
  target: string;
  /** Exactly what was sent to the network server's API or published on its broker (logged as the payload). */
  payload: string;
  /** `queued` (HTTP API answered 2xx), `pending` (published on the provider's broker), `failed`. */
  status: 'queued' | 'pending' | 'failed';
  /** The first step of the fate, e.g. `http 200`, `published`. */
  event: string;
  error: string | null;
  /** The network server's reference of the downlink (TTN correlation id, ChirpStack queue item id), logged as dest. */
  reference: string | null;
  code: 'DOWNLINK_ENCODE_FAILED' | 'DOWNLINK_FAILED' | null;
}

/** Orders to LoRaWAN devices (src/downlinks): undefined when the device's type has no downlink route. */
export interface LorawanOrders {
  send(orgId: string, device: Device, input: CommandInput, commandId: string): Promise<LorawanOrder | undefined>;
}

/** Where the downlinks domain reports what network servers say about a downlink (the command log). */
export interface DownlinkFates {
  /** Applies the event to the command's fate; false when the command is not (yet) in the log. */
  recordFate(orgId: string, commandId: string, event: FateEvent): Promise<boolean>;
}

/** What publishing needs of MQTT (the embedded broker or the external client). */
export interface CommandBus {
  publish(topic: string, payload: string, opts: { qos: 1 }): Promise<void>;
}
