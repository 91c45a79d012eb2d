import type { Device } from './devices.js';

/**
 * What other parts of Polder react to: the MQTT broker disconnects a device whose credentials
 * were reset, that was disabled, moved or deleted; an external broker's account list follows
 * every change. Listeners run after the change is committed; a failing listener is reported to
 * `onError` and never undoes the change.
 */
export interface DeviceEventMap {
  credentialsReset: Device;
  deviceDisabled: Device;
  deviceDeleted: Device;
  /** Datastreams gone with a device, a sensor or on their own: their measurements go too. */
  datastreamsDeleted: { orgId: string; ids: number[] };
  /** Created (no `previous`) or updated through the API, enabling and disabling included. */
  deviceSaved: { device: Device; previous?: Device | undefined };
  /**
   * A password went out on /device/credentials. The plaintext lives only in this event, for
   * a broker that must be told it (Mosquitto dynamic security): never log or store it.
   */
  passwordIssued: { device: Device; password: string };
  /** Devices written in bulk (import) or whose base topic a location change recomputed. */
  devicesChanged: { orgId: string; ids: string[] };
  /** Sensors, datastreams or sites created or updated through the API (SensorThings announces them). */
  registryChanged: { orgId: string; sensors?: string[]; datastreams?: number[]; places?: string[] };
}

type Listener<K extends keyof DeviceEventMap> = (payload: DeviceEventMap[K]) => void | Promise<void>;

export class DeviceEvents {
  private readonly listeners: { [K in keyof DeviceEventMap]: Listener<K>[] } = {
    credentialsReset: [],
    deviceDisabled: [],
    deviceDeleted: [],
    datastreamsDeleted: [],
    deviceSaved: [],
    passwordIssued: [],
    devicesChanged: [],
    registryChanged: [],
  };

  constructor(private readonly onError: (err: unknown, event: keyof DeviceEventMap) => void = () => {}) {}

  /** Subscribes; the returned function unsubscribes. */
  on<K extends keyof DeviceEventMap>(event: K, listener: Listener<K>): () => void {
    const list = this.listeners[event] as Listener<K>[];
    list.push(listener);
    return () => {
      const i = list.indexOf(listener);
      if (i >= 0) list.splice(i, 1);
    };
  }

  async emit<K extends keyof DeviceEventMap>(event: K, payload: DeviceEventMap[K]): Promise<void> {
    for (const listener of [...(this.listeners[event] as Listener<K>[])]) {
      try {
        await listener(payload);
      } catch (err) {
        this.onError(err, event);
      }
    }
  }
}
