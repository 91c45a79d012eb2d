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
  /** `sent`: the broker took it (QoS 1); `failed`: it did not (error says why). */
  status: 'sent' | 'failed';
  error: string | null;
}

export interface CommandStore {
  insert(command: Command): Promise<void>;
  /** Newest first. */
  list(orgId: string, deviceId: string, page: PageRequest): Promise<Page<Command>>;
}

/** What publishing needs of MQTT (the embedded broker or the external client). */
export interface CommandBus {
  publish(topic: string, payload: string, opts: { qos: 1 }): Promise<void>;
}
