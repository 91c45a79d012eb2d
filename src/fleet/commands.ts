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
   * `sent`: the broker took it (QoS 1); `queued`: a LoRaWAN network server took the downlink
   * into its queue; `failed`: it did not (error says why).
   */
  status: 'sent' | 'queued' | 'failed';
  error: string | null;
}

export interface CommandStore {
  insert(command: Command): Promise<void>;
  /** Newest first. */
  list(orgId: string, deviceId: string, page: PageRequest): Promise<Page<Command>>;
}

/** An order to a LoRaWAN device as its network server took it (or did not). */
export interface LorawanOrder {
  /** Where it went, e.g. `ttn-v3:<application>/<device>` or `chirpstack-v4:<deveui>` (logged as the topic). */
  target: string;
  /** Exactly what was sent to the network server's API (logged as the payload). */
  payload: string;
  status: 'queued' | 'failed';
  error: string | null;
  /** The network server's reference of the downlink (TTN correlation id, ChirpStack queue item id), logged as dest. */
  reference: string | null;
  code: 'DOWNLINK_ENCODE_FAILED' | 'DOWNLINK_FAILED' | null;
}

/** Orders to LoRaWAN devices (src/downlinks): undefined when the device's type has no downlink route. */
export interface LorawanOrders {
  send(orgId: string, device: Device, input: CommandInput, commandId: string): Promise<LorawanOrder | undefined>;
}

/** What publishing needs of MQTT (the embedded broker or the external client). */
export interface CommandBus {
  publish(topic: string, payload: string, opts: { qos: 1 }): Promise<void>;
}
