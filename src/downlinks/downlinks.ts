/** LoRaWAN downlinks: how orders reach LoRaWAN devices through their network server. */

export const PROVIDERS = ['ttn-v3', 'chirpstack-v4'] as const;
export type Provider = (typeof PROVIDERS)[number];

/**
 * Where the devices of one device type get their downlinks: the network server's HTTP API and
 * the encoder (a user script with `encodeDownlink(input)`, the TTN codec convention).
 */
export interface DownlinkRoute {
  orgId: string;
  typeId: string;
  provider: Provider;
  /** Base URL of the network server's API, e.g. https://eu1.cloud.thethings.network */
  url: string;
  /** TTN: an API key with the right to write downlinks; ChirpStack: an API token. Stored, never shown. */
  apiKey: string;
  /** TTN: the application id. */
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
