import type { Server as HttpServer, IncomingMessage } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import mqttPacket from 'mqtt-packet';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { BrokerAuth, InboundHandler, MqttBus, MqttPrincipal } from './broker.js';
import { ReadAhead } from './read-ahead.js';
import { RetainedBudget } from './retained-budget.js';
import { filtersOverlap, mayRetain } from './topic-policy.js';

export interface EmbeddedBrokerOptions {
  port: number;
  host?: string;
  auth: BrokerAuth;
  onInbound: InboundHandler;
  clock: Clock;
  logger: Logger;
  /** When given, MQTT over WebSocket is served on it at `/mqtt`. */
  httpServer?: HttpServer;
  /** Largest MQTT packet accepted; a larger one closes the connection (default 1 MiB + 64 KiB). */
  maxPacketBytes?: number;
  /** Retained messages one organisation may keep (count and payload bytes). */
  retained?: { maxCount: number; maxBytes: number };
}

export interface EmbeddedBroker extends MqttBus {
  /** The TCP port actually bound (useful with port 0). */
  readonly port: number;
  connectedClients(): number;
}

/** The part of mqtt-packet's parser the size limit hooks into (Aedes has no option for it). */
interface PacketParser {
  packet: { length: number };
  _list: object;
  /** The CONNECT packet once parsed (password included); later packets only read these two fields. */
  settings: { protocolVersion?: number; bridgeMode?: boolean };
  _parseLength(): boolean;
  _emitError(err: Error): void;
}

/**
 * mqtt-packet buffers a connection's unparsed bytes in a `bl` BufferListStream: a whole Duplex
 * stream (readable and writable states, emitter) per connection, of which the parser only uses
 * the buffer-list methods (append, consume, slice, readUInt8 …). The same methods over a plain
 * object save about 1.5 KiB of heap per idle connection (bench/broker-idle-memory.ts).
 */
function lightenParser(parser: PacketParser): void {
  const list = Object.create(Object.getPrototypeOf(parser._list)) as { _bufs: Buffer[]; length: number };
  list._bufs = [];
  list.length = 0;
  parser._list = list;
}

/**
 * mqtt-packet writes 2-byte numbers from a cache of 65,536 Buffers made at its first write: about
 * 6 MiB of heap for ever, the size of the state of 500 idle boards. Its documented switch writes
 * them from a fresh 2-byte slice of Buffer's pool instead.
 */
mqttPacket.writeToStream.cacheNumbers = false;

const authError = (code: 2 | 4 | 5, message: string): AuthenticateError =>
  Object.assign(new Error(message), { returnCode: code });

/** Aedes on TCP and WebSocket; every device publish is durably accepted before its PUBACK. */
export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const principals = new WeakMap<Client, MqttPrincipal>();
  /** The connected clients of each username: one client, or a set when several share it. */
  const byUsername = new Map<string, Client | Set<Client>>();
  const usernames = new WeakMap<Client, string>();
  const log = opts.logger.child({ component: 'mqtt-broker' });
  const maxPacketBytes = opts.maxPacketBytes ?? 1024 * 1024 + 64 * 1024;
  const retained = new RetainedBudget(opts.retained ?? { maxCount: 1000, maxBytes: 10 * 1024 * 1024 });
  /** Clients that sent an empty client id with clean session off. */
  const anonymousPersistent = new WeakSet<Client>();

  const subscriptions = new SubscriptionIndex();
  const readAhead = new ReadAhead();

  const aedes = await Aedes.createBroker({
    preConnect(client, packet, done) {
      if (packet.clientId === '' && !packet.clean) anonymousPersistent.add(client);
      done(null, true);
    },
    authenticate(client, username, password, done) {
      // MQTT 3.1.1 §3.1.3.1: a zero-length client id needs clean session; else CONNACK 0x02.
      if (anonymousPersistent.has(client)) return done(authError(2, 'identifier rejected'), false);
      opts.auth
        .authenticate(username, password?.toString('utf8'), client.id)
        .then((who) => {
          if (!who) return done(authError(4, 'bad username or password'), false);
          principals.set(client, who);
          if (username) {
            usernames.set(client, username);
            const held = byUsername.get(username);
            if (held === undefined || held === client) byUsername.set(username, client);
            else if (held instanceof Set) held.add(client);
            else byUsername.set(username, new Set([held, client]));
          }
          done(null, true);
        })
        .catch((err: unknown) => {
          log.error({ err }, 'authentication failed with an error');
          done(authError(5, 'authentication unavailable'), false);
        });
    },
    // Aedes writes the QoS 1 PUBACK only after this callback: the durable write happens here.
    authorizePublish(client, packet, done) {
      if (!client) return done(null);
      const who = principals.get(client);
      if (!who || !opts.auth.canPublish(who, packet.topic)) {
        log.warn({ clientId: client.id, topic: packet.topic }, 'publish refused');
        return done(new Error(`not authorised to publish to ${packet.topic}`));
      }
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      if (packet.retain && !keepRetained(who, packet.topic, payload.byteLength)) packet.retain = false;
      const accepted = opts.onInbound({
        topic: packet.topic,
        payload,
        qos: packet.qos,
        principal: who,
        receivedAt: opts.clock(),
      });
      readAhead.answer(client, accepted, (err) => {
        if (err) log.error({ err, topic: packet.topic }, 'inbound message not accepted; no PUBACK');
        done(err ?? null);
      });
    },
    authorizeSubscribe(client, sub, done) {
      const who = principals.get(client);
      if (!who || !opts.auth.canSubscribe(who, sub.topic)) {
        log.warn({ clientId: client.id, filter: sub.topic }, 'subscription refused');
        return done(null, null);
      }
      // Also called for the subscriptions a persistent session restores (which emit no 'subscribe').
      subscriptions.add(client, sub.topic);
      done(null, sub);
    },
    // Every delivery is checked again: a broad subscription (`#`) gets only what this client may read.
    authorizeForward(client, packet) {
      const who = principals.get(client);
      return who && opts.auth.canReceive(who, packet.topic) ? packet : null;
    },
  });

  /** Orders are never retained (a later subscriber would get them); an organisation's retained messages are bounded. */
  const keepRetained = (who: MqttPrincipal, topic: string, bytes: number): boolean => {
    if (!mayRetain(topic)) return false;
    if (opts.auth.isSuperuser(who) || who.kind === 'service') return true;
    if (retained.admit(who.orgId, topic, bytes)) return true;
    log.warn({ orgId: who.orgId, topic, bytes }, 'retained message limit of the organisation reached: delivered, not retained');
    return false;
  };

  /** Closes a connection as soon as a packet announces more than the limit (before it is read). */
  const limitPackets = (client: Client) => {
    const parser = (client as unknown as { _parser: PacketParser })._parser;
    lightenParser(parser);
    const parseLength = parser._parseLength;
    parser._parseLength = function (this: PacketParser) {
      const done = parseLength.call(this);
      if (done && this.packet.length > maxPacketBytes) {
        this._emitError(new Error(`packet of ${this.packet.length} bytes exceeds the limit of ${maxPacketBytes}`));
        return false;
      }
      return done;
    };
  };

  // A connected client's parser keeps its whole CONNECT packet (credentials included) for as long
  // as the connection lasts; only the protocol version and bridge mode are read again.
  aedes.on('client', (client) => {
    const parser = (client as unknown as { _parser?: PacketParser })._parser;
    if (parser?.settings) {
      const { protocolVersion, bridgeMode } = parser.settings;
      parser.settings = { protocolVersion, bridgeMode };
    }
  });

  aedes.on('clientDisconnect', (client) => {
    const name = usernames.get(client);
    const held = name === undefined ? undefined : byUsername.get(name);
    if (held === client) byUsername.delete(name as string);
    else if (held instanceof Set && held.delete(client) && held.size === 1)
      byUsername.set(name as string, [...held][0] as Client);
    subscriptions.drop(client);
  });
  // A persistent session's subscriptions come back at CONNECT without a 'subscribe' event.
  aedes.on('clientReady', (client) => {
    const restored = (client as unknown as { subscriptions?: Record<string, unknown> }).subscriptions;
    for (const filter of Object.keys(restored ?? {})) subscriptions.add(client, filter);
  });
  aedes.on('subscribe', (subs, client) => {
    // A refused subscription comes with qos 128 (SUBACK failure).
    for (const sub of subs) if ((sub.qos as number) !== 128) subscriptions.add(client, sub.topic);
  });
  aedes.on('unsubscribe', (filters, client) => {
    for (const filter of filters) subscriptions.remove(client, filter);
  });

  const server = net.createServer((socket) => limitPackets(aedes.handle(socket)));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(
          new Error(
            `MQTT port ${opts.port} is already in use (another MQTT broker?). Either choose another port for ` +
              `the embedded broker with POLDER_MQTT_PORT, or use the broker that runs there with ` +
              `POLDER_MQTT_URL=mqtt://<user>:<password>@localhost:${opts.port}.`,
          ),
        );
      } else reject(err);
    });
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  }).catch(async (err: unknown) => {
    await new Promise<void>((r) => aedes.close(() => r()));
    throw err;
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;

  let wss: WebSocketServer | undefined;
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!wss || new URL(req.url ?? '/', 'http://x').pathname !== '/mqtt') return;
    wss.handleUpgrade(req, socket, head, (ws) => limitPackets(aedes.handle(createWebSocketStream(ws), req)));
  };
  if (opts.httpServer) {
    wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => (p.has('mqtt') ? 'mqtt' : false) });
    opts.httpServer.on('upgrade', onUpgrade);
  }
  log.info({ port, websocket: opts.httpServer ? '/mqtt' : undefined }, 'embedded MQTT broker listening');

  return {
    mode: 'embedded',
    port,
    connectedClients: () => aedes.connectedClients,
    publish: (topic, payload, o = {}) =>
      new Promise((resolve, reject) =>
        aedes.publish(
          {
            cmd: 'publish',
            topic,
            payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
            qos: o.qos ?? 0,
            retain: o.retain ?? false,
            dup: false,
          },
          (err) => (err ? reject(err) : resolve()),
        ),
      ),
    listens: (pattern) => subscriptions.listens(pattern),
    subscribe: async () => {},
    async disconnect(username) {
      const held = byUsername.get(username);
      const clients = held === undefined ? [] : held instanceof Set ? [...held] : [held];
      await Promise.all(clients.map((c) => new Promise<void>((r) => c.close(() => r()))));
      byUsername.delete(username);
      return clients.length;
    },
    async close() {
      opts.httpServer?.off('upgrade', onUpgrade);
      wss?.close();
      await new Promise<void>((r) => aedes.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * The filters connected clients subscribe to, for `listens`. Filters are indexed by their first
 * level, so a question about a topic looks only at filters starting with that level, `+` or `#`
 * (not at every device's own command topic); answers are cached per pattern until a subscription
 * changes, so asking again costs a map lookup on the hot path. QoS 0 publications reach connected
 * clients only, so a disconnected client's subscriptions (kept by a persistent session) are
 * dropped here and come back with the session.
 */
class SubscriptionIndex {
  /** A client's filters: one string for the usual single subscription (a board's orders), else a set. */
  private readonly byClient = new Map<Client, string | Set<string>>();
  /** First level → filter → how many clients hold it. */
  private readonly byRoot = new Map<string, Map<string, number>>();
  private readonly answers = new Map<string, boolean>();

  add(client: Client, filter: string): void {
    const own = this.byClient.get(client);
    if (own === filter || (own instanceof Set && own.has(filter))) return;
    if (own === undefined) this.byClient.set(client, filter);
    else if (own instanceof Set) own.add(filter);
    else this.byClient.set(client, new Set([own, filter]));
    const f = plain(filter);
    const filters = this.byRoot.get(rootOf(f)) ?? new Map<string, number>();
    filters.set(f, (filters.get(f) ?? 0) + 1);
    this.byRoot.set(rootOf(f), filters);
    this.answers.clear();
  }

  remove(client: Client, filter: string): void {
    const own = this.byClient.get(client);
    if (own === filter) this.byClient.delete(client);
    else if (!(own instanceof Set) || !own.delete(filter)) return;
    else if (own.size === 0) this.byClient.delete(client);
    const f = plain(filter);
    const filters = this.byRoot.get(rootOf(f));
    const n = (filters?.get(f) ?? 0) - 1;
    if (n > 0) filters?.set(f, n);
    else filters?.delete(f);
    if (filters?.size === 0) this.byRoot.delete(rootOf(f));
    this.answers.clear();
  }

  drop(client: Client): void {
    const own = this.byClient.get(client);
    for (const f of own instanceof Set ? [...own] : own === undefined ? [] : [own]) this.remove(client, f);
  }

  /** Whether a filter held by a connected client reaches some topic that `pattern` (a topic or a filter) matches. */
  listens(pattern: string): boolean {
    let answer = this.answers.get(pattern);
    if (answer === undefined) {
      answer = this.overlaps(pattern);
      if (this.answers.size >= 10_000) this.answers.clear();
      this.answers.set(pattern, answer);
    }
    return answer;
  }

  private overlaps(pattern: string): boolean {
    const root = rootOf(pattern);
    const roots = root === '+' || root === '#' ? [...this.byRoot.keys()] : [root, '+', '#'];
    for (const r of roots) {
      const filters = this.byRoot.get(r);
      if (!filters) continue;
      if (filters.has(pattern)) return true;
      for (const f of filters.keys()) if (filtersOverlap(f, pattern)) return true;
    }
    return false;
  }
}

/** A shared subscription `$share/<group>/<filter>` receives what its filter matches. */
const plain = (filter: string) => (filter.startsWith('$share/') ? filter.split('/').slice(2).join('/') : filter);
const rootOf = (topic: string) => {
  const i = topic.indexOf('/');
  return i < 0 ? topic : topic.slice(0, i);
};
