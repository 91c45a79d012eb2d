import { randomBytes } from 'node:crypto';
import type { Device } from '../devices/devices.js';
import type { CommandInput, DownlinkFates, LorawanOrder, LorawanOrders } from '../fleet/commands.js';
import type { Clock } from '../shared/clock.js';
import { invalid, notFound } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import {
  type DownlinkRoute,
  type DownlinkRouteStore,
  type EncoderPort,
  type HttpPort,
  type LinkMessage,
  PROVIDERS,
  type Provider,
  type ProviderLink,
  type ProviderLinks,
  TRANSPORTS,
  type Transport,
} from './downlinks.js';
import {
  badTopicLevel,
  DownlinkTargetError,
  downlinkRequest,
  fateOf,
  fateSubscriptions,
  frameOf,
  type MqttDownlink,
  mqttDownlink,
  type ProviderFate,
  referenceOf,
} from './providers.js';

export interface DownlinkRouteInput {
  provider: string;
  transport?: string | undefined;
  url: string;
  username?: string | null | undefined;
  apiKey?: string | undefined;
  applicationId?: string | null | undefined;
  webhookId?: string | null | undefined;
  fPort?: number | undefined;
  confirmed?: boolean | undefined;
  encoder: string;
}

/** Over MQTT: the connections to the providers' brokers, and where fate events are recorded. */
export interface DownlinkMqtt {
  links: ProviderLinks;
  fates: DownlinkFates;
  /** A fate event for a command not (yet) in the log is tried again this often, this many times. */
  retryMs?: number;
  retries?: number;
}

interface OpenLink {
  fingerprint: string;
  link: ProviderLink;
}

const keyOf = (r: { orgId: string; typeId: string }) => `${r.orgId}/${r.typeId}`;
/** What a connection depends on: a change of any of these replaces it. */
const fingerprintOf = (r: DownlinkRoute) =>
  JSON.stringify([r.provider, r.url, r.username, r.apiKey, r.applicationId, r.updatedAt]);

/**
 * Downlink routes per device type, and orders to LoRaWAN devices through them. A route over MQTT
 * has one connection to the provider's broker in this process (opened at start for every MQTT
 * route, else at its first order; replaced when the route changes, closed when it is removed and
 * on stop), which publishes the downlinks and hears their fate (queued, sent, ack, failed).
 */
export class DownlinkService implements LorawanOrders {
  private readonly links = new Map<string, OpenLink>();
  /** Pending retries (stop ends them), and the chain of fate events per command. */
  private readonly pauses = new Map<NodeJS.Timeout, () => void>();
  private readonly chains = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly store: DownlinkRouteStore,
    private readonly encoder: EncoderPort,
    private readonly http: HttpPort,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly mqtt?: DownlinkMqtt,
  ) {}

  /** Connects every MQTT route, so the fate of downlinks sent before a restart is still heard. */
  async start(): Promise<void> {
    this.stopped = false;
    if (!this.mqtt) return;
    for (const route of await this.store.listMqtt()) this.linkFor(route);
  }

  /** Closes every connection and drops pending retries. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const [timer, resolve] of this.pauses) {
      clearTimeout(timer);
      resolve();
    }
    this.pauses.clear();
    await Promise.all(this.chains.values());
    const open = [...this.links.values()];
    this.links.clear();
    await Promise.all(open.map((l) => l.link.close().catch(() => {})));
  }

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
    const transport = (input.transport ?? 'http') as Transport;
    if (!(TRANSPORTS as readonly string[]).includes(transport)) throw invalid('transport', `one of ${TRANSPORTS.join(', ')}`);
    const mqtt = transport === 'mqtt';
    let url: URL;
    try {
      url = new URL(input.url);
    } catch {
      throw invalid(
        'url',
        mqtt
          ? 'the network server broker, e.g. mqtts://eu1.cloud.thethings.network:8883'
          : 'the network server API base URL, e.g. https://eu1.cloud.thethings.network',
      );
    }
    if (mqtt) {
      if (url.protocol !== 'mqtt:' && url.protocol !== 'mqtts:') throw invalid('url', 'an mqtt:// or mqtts:// URL');
      if (url.username || url.password)
        throw invalid('url', 'no credentials in the URL: give username and apiKey (the password)');
    } else if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('url', 'an http(s) URL');
    const username = input.username ?? null;
    if (username !== null && (username === '' || username.length > 200)) throw invalid('username', '1–200 characters');
    const apiKey = input.apiKey ?? existing?.apiKey ?? (mqtt && provider === 'chirpstack-v4' ? '' : undefined);
    if (apiKey === undefined || (apiKey === '' && !(mqtt && provider === 'chirpstack-v4')))
      throw invalid(
        'apiKey',
        mqtt
          ? 'the API key TTN takes as the MQTT password'
          : 'the API key (TTN) or API token (ChirpStack) Polder sends downlinks with',
      );
    let applicationId = input.applicationId ?? null;
    if (mqtt && provider === 'ttn-v3') {
      if (username === null)
        throw invalid('username', 'the TTN MQTT login: <application id>@<tenant id> (e.g. campus-sensors@ttn)');
      if (badTopicLevel(username)) throw invalid('username', 'a TTN MQTT login is an MQTT topic level: no /, + or #');
      applicationId ??= username.split('@')[0] ?? username;
    }
    if (mqtt && provider === 'chirpstack-v4') {
      if (!applicationId) throw invalid('applicationId', 'the ChirpStack application id (UUID) of its MQTT topics');
      if (badTopicLevel(applicationId)) throw invalid('applicationId', 'an MQTT topic level: no /, + or #');
    }
    if (!mqtt && provider === 'ttn-v3' && !applicationId) throw invalid('applicationId', 'the TTN application id');
    if (!mqtt && provider === 'ttn-v3' && !input.webhookId)
      throw invalid('webhookId', 'the TTN webhook id (its downlink API is used)');
    const fPort = input.fPort ?? 1;
    if (!Number.isInteger(fPort) || fPort < 1 || fPort > 223) throw invalid('fPort', '1–223');
    if (!/encodeDownlink/.test(input.encoder))
      throw invalid('encoder', 'a script defining encodeDownlink(input) (TTN codec convention)');
    const now = this.clock();
    const route: DownlinkRoute = {
      orgId,
      typeId: type.id,
      provider,
      transport,
      url: input.url,
      apiKey,
      username,
      applicationId,
      webhookId: input.webhookId ?? null,
      fPort,
      confirmed: input.confirmed ?? false,
      encoder: input.encoder,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    await this.store.put(route);
    // A connection in use is replaced at once (the fate of downlinks in flight is still heard).
    if (this.dropLink(route) && route.transport === 'mqtt') this.linkFor(route);
    return route;
  }

  async remove(orgId: string, typeRef: string): Promise<void> {
    const type = await this.type(orgId, typeRef);
    if (!(await this.store.remove(orgId, type.id))) throw notFound('device type', `${typeRef} (no downlink route)`);
    this.dropLink({ orgId, typeId: type.id });
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
      event: code === 'DOWNLINK_ENCODE_FAILED' ? 'not encoded' : 'refused',
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
    if (route.transport === 'mqtt') {
      let down: MqttDownlink;
      try {
        down = mqttDownlink(route, device, frame.frame, commandId);
      } catch (err) {
        if (err instanceof DownlinkTargetError) return failed('DOWNLINK_FAILED', err.message);
        throw err;
      }
      try {
        await this.linkFor(route).publish(down.topic, down.payload, down.qos);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.logger.warn({ deviceId: device.id, provider: route.provider, error: message }, 'downlink not published');
        return failed('DOWNLINK_FAILED', `${route.provider} broker: ${message}`, down.topic, down.payload);
      }
      return {
        target: down.topic,
        payload: down.payload,
        status: 'pending',
        event: 'published',
        error: null,
        reference: down.reference,
        code: null,
      };
    }
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
        event: `http ${answer.status}`,
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

  /** This process's connection for the route: reused while the route is unchanged. */
  private linkFor(route: DownlinkRoute): ProviderLink {
    if (!this.mqtt) throw new Error('MQTT downlinks are not wired in this process');
    const fingerprint = fingerprintOf(route);
    const open = this.links.get(keyOf(route));
    if (open?.fingerprint === fingerprint) return open.link;
    this.dropLink(route);
    const link = this.mqtt.links.open({
      url: route.url,
      username: route.username,
      password: route.apiKey,
      clientId: `polder-downlinks-${randomBytes(6).toString('hex')}`,
      subscriptions: fateSubscriptions(route),
      onMessage: (m) => this.heard(route, m),
    });
    this.links.set(keyOf(route), { fingerprint, link });
    return link;
  }

  /** Closes the route's connection; true when there was one. */
  private dropLink(route: { orgId: string; typeId: string }): boolean {
    const open = this.links.get(keyOf(route));
    if (!open) return false;
    this.links.delete(keyOf(route));
    open.link.close().catch((err: unknown) => this.logger.warn({ err }, 'closing a downlink connection failed'));
    return true;
  }

  /**
   * A provider event on the route's connection: the fate of one of the organisation's downlinks.
   * Events about one command are recorded one after the other, in the order they came.
   */
  private heard(route: DownlinkRoute, message: LinkMessage): void {
    const fate = fateOf(route, message.topic, message.payload);
    if (!fate) return;
    const key = `${route.orgId}/${fate.commandId}`;
    const next = (this.chains.get(key) ?? Promise.resolve())
      .then(() => this.record(route.orgId, fate))
      .catch((err: unknown) => this.logger.error({ err, commandId: fate.commandId }, 'recording a downlink fate failed'));
    this.chains.set(key, next);
    void next.then(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  /** Recorded in the command log; an event may come before the command is logged (tried again). */
  private async record(orgId: string, fate: ProviderFate): Promise<void> {
    if (!this.mqtt) return;
    const { fates, retryMs = 250, retries = 40 } = this.mqtt;
    for (let attempt = 0; !this.stopped; attempt++) {
      if (await fates.recordFate(orgId, fate.commandId, { status: fate.status, event: fate.event, error: fate.error })) return;
      if (attempt >= retries) {
        this.logger.debug({ commandId: fate.commandId, event: fate.event }, 'downlink event about no command of the log');
        return;
      }
      await this.pause(retryMs);
    }
  }

  /** A wait that stop() ends early. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pauses.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.pauses.set(timer, resolve);
    });
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
