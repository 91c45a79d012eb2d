import type { Device } from '../devices/devices.js';
import type { CommandInput, LorawanOrder, LorawanOrders } from '../fleet/commands.js';
import type { Clock } from '../shared/clock.js';
import { invalid, notFound } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import {
  type DownlinkRoute,
  type DownlinkRouteStore,
  type EncoderPort,
  type HttpPort,
  PROVIDERS,
  type Provider,
} from './downlinks.js';
import { DownlinkTargetError, downlinkRequest, frameOf, referenceOf } from './providers.js';

export interface DownlinkRouteInput {
  provider: string;
  url: string;
  apiKey?: string | undefined;
  applicationId?: string | null | undefined;
  webhookId?: string | null | undefined;
  fPort?: number | undefined;
  confirmed?: boolean | undefined;
  encoder: string;
}

/** Downlink routes per device type, and orders to LoRaWAN devices through them. */
export class DownlinkService implements LorawanOrders {
  constructor(
    private readonly store: DownlinkRouteStore,
    private readonly encoder: EncoderPort,
    private readonly http: HttpPort,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async get(orgId: string, typeRef: string): Promise<DownlinkRoute> {
    const type = await this.type(orgId, typeRef);
    const route = await this.store.find(orgId, type.id);
    if (!route) throw notFound('device type', `${typeRef} (no downlink route)`);
    return route;
  }

  async put(orgId: string, typeRef: string, input: DownlinkRouteInput): Promise<DownlinkRoute> {
    const type = await this.type(orgId, typeRef);
    if (type.connectivity !== 'lorawan') throw invalid('type', 'downlink routes are for device types of connectivity lorawan');
    const existing = await this.store.find(orgId, type.id);
    if (!(PROVIDERS as readonly string[]).includes(input.provider)) throw invalid('provider', `one of ${PROVIDERS.join(', ')}`);
    const provider = input.provider as Provider;
    let url: URL;
    try {
      url = new URL(input.url);
    } catch {
      throw invalid('url', 'the network server API base URL, e.g. https://eu1.cloud.thethings.network');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('url', 'an http(s) URL');
    const apiKey = input.apiKey ?? existing?.apiKey;
    if (!apiKey) throw invalid('apiKey', 'the API key (TTN) or API token (ChirpStack) Polder sends downlinks with');
    if (provider === 'ttn-v3' && !input.applicationId) throw invalid('applicationId', 'the TTN application id');
    if (provider === 'ttn-v3' && !input.webhookId) throw invalid('webhookId', 'the TTN webhook id (its downlink API is used)');
    const fPort = input.fPort ?? 1;
    if (!Number.isInteger(fPort) || fPort < 1 || fPort > 223) throw invalid('fPort', '1–223');
    if (!/encodeDownlink/.test(input.encoder))
      throw invalid('encoder', 'a script defining encodeDownlink(input) (TTN codec convention)');
    const now = this.clock();
    const route: DownlinkRoute = {
      orgId,
      typeId: type.id,
      provider,
      url: input.url,
      apiKey,
      applicationId: input.applicationId ?? null,
      webhookId: input.webhookId ?? null,
      fPort,
      confirmed: input.confirmed ?? false,
      encoder: input.encoder,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    await this.store.put(route);
    return route;
  }

  async remove(orgId: string, typeRef: string): Promise<void> {
    const type = await this.type(orgId, typeRef);
    if (!(await this.store.remove(orgId, type.id))) throw notFound('device type', `${typeRef} (no downlink route)`);
  }

  /** LorawanOrders: encode the order, hand it to the network server; undefined when the type has no route. */
  async send(orgId: string, device: Device, input: CommandInput, commandId: string): Promise<LorawanOrder | undefined> {
    if (!device.typeId) return undefined;
    const route = await this.store.find(orgId, device.typeId);
    if (!route) return undefined;
    const data: Record<string, unknown> = {
      order: input.order,
      ...(input.module !== undefined && { module: input.module }),
      ...(isObject(input.value) ? input.value : input.value !== undefined ? { value: input.value } : {}),
    };
    const failed = (code: LorawanOrder['code'], error: string, target: string = route.provider, payload = ''): LorawanOrder => ({
      target,
      payload,
      status: 'failed',
      error,
      reference: null,
      code,
    });
    let encoded: unknown;
    try {
      encoded = await this.encoder.encode(route, { data });
    } catch (err) {
      return failed('DOWNLINK_ENCODE_FAILED', `encodeDownlink failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    const frame = frameOf(encoded, route.fPort);
    if ('error' in frame) return failed('DOWNLINK_ENCODE_FAILED', frame.error);
    let built: ReturnType<typeof downlinkRequest>;
    try {
      built = downlinkRequest(route, device, frame.frame, commandId);
    } catch (err) {
      if (err instanceof DownlinkTargetError) return failed('DOWNLINK_FAILED', err.message);
      throw err;
    }
    const payload = JSON.stringify(built.request.body);
    try {
      const answer = await this.http.send(built.request);
      if (answer.status < 200 || answer.status >= 300)
        return failed(
          'DOWNLINK_FAILED',
          `${route.provider} answered ${answer.status}: ${answer.body.slice(0, 300)}`,
          built.target,
          payload,
        );
      return {
        target: built.target,
        payload,
        status: 'queued',
        error: null,
        reference: built.reference ?? referenceOf(route, answer.body),
        code: null,
      };
    } catch (err) {
      this.logger.warn({ err, deviceId: device.id, provider: route.provider }, 'downlink not delivered to the network server');
      return failed(
        'DOWNLINK_FAILED',
        `${route.provider} unreachable: ${err instanceof Error ? err.message : String(err)}`,
        built.target,
        payload,
      );
    }
  }

  private async type(orgId: string, ref: string) {
    const type = await this.store.findType(orgId, ref);
    if (!type) throw notFound('device type', ref);
    return type;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The HTTP port over fetch, with a 10-second limit. */
export const fetchHttp: HttpPort = {
  async send(req) {
    const res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: JSON.stringify(req.body),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: await res.text() };
  },
};
