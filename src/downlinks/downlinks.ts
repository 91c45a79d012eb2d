/** LoRaWAN downlinks: how orders reach LoRaWAN devices through their network server. */

export const PROVIDERS = ['ttn-v3', 'chirpstack-v4'] as const;
export type Provider = (typeof PROVIDERS)[number];
export const TRANSPORTS = ['http', 'mqtt'] as const;
export type Transport = (typeof TRANSPORTS)[number];

/**
 * Where the devices of one device type get their downlinks: the network server's HTTP API or its
 * MQTT broker, and the encoder (a user script with `encodeDownlink(input)`, the TTN codec convention).
 */
export interface DownlinkRoute {
  orgId: string;
  typeId: string;
  provider: Provider;
  transport: Transport;
  /**
   * HTTP: base URL of the network server's API, e.g. https://eu1.cloud.thethings.network;
   * MQTT: its broker, e.g. mqtts://eu1.cloud.thethings.network:8883
   */
  url: string;
  /**
   * TTN: an API key with the right to write downlinks; ChirpStack: an API token (HTTP) or the
   * integration broker's password (MQTT, may be empty). Stored, never shown, never logged.
   */
  apiKey: string;
  /** MQTT: the broker login (TTN: `<application id>@<tenant id>`, or `<application id>` on open source). */
  username: string | null;
  /** TTN: the application id; ChirpStack over MQTT: the application id (UUID) of its topics. */
  applicationId: string | null;
  /** TTN: the webhook id (its downlink API is the webhook's). */
  webhookId: string | null;
  /** FPort when the encoder gives none. */
  fPort: number;
  confirmed: boolean;
  encoder: string;
  createdAt: number;
  updatedAt: number;
}

export interface DownlinkRouteStore {
  find(orgId: string, typeId: string): Promise<DownlinkRoute | undefined>;
  put(route: DownlinkRoute): Promise<void>;
  remove(orgId: string, typeId: string): Promise<boolean>;
  /** Every route over MQTT (all organisations): their fate events are listened to from start-up. */
  listMqtt(): Promise<DownlinkRoute[]>;
  /** A device type of the organisation by id or name. */
  findType(orgId: string, ref: string): Promise<{ id: string; connectivity: string } | undefined>;
}

/** The request a provider's downlink API takes (built by providers.ts, sent by an HttpPort). */
export interface DownlinkRequest {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface HttpPort {
  send(req: DownlinkRequest): Promise<{ status: number; body: string }>;
}

/** Runs the encoder: `encodeDownlink({data})` → `{bytes, fPort?, warnings?, errors?}`. */
export interface EncoderPort {
  encode(route: DownlinkRoute, input: { data: Record<string, unknown> }): Promise<unknown>;
}

/** A message a provider's broker delivered on one of the subscribed filters. */
export interface LinkMessage {
  topic: string;
  payload: Buffer;
}

/** One MQTT connection to a provider's broker (connects lazily, reconnects, resubscribes). */
export interface ProviderLink {
  /** Resolves once the broker took it (QoS 1) or it was written (QoS 0); rejects when not connected in time. */
  publish(topic: string, payload: string, qos: 0 | 1): Promise<void>;
  close(): Promise<void>;
}

/** Opens MQTT connections to providers' brokers (the adapter over MQTT.js: mqtt-links.ts). */
export interface ProviderLinks {
  open(opts: {
    url: string;
    username: string | null;
    password: string;
    /** Unique per connection (a broker closes the older of two sessions with one id). */
    clientId: string;
    subscriptions: { filter: string; qos: 0 | 1 }[];
    onMessage(message: LinkMessage): void;
  }): ProviderLink;
}
