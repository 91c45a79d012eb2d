import type { Server as HttpServer, IncomingMessage } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { BrokerAuth, InboundHandler, MqttBus, MqttPrincipal } from './broker.js';

export interface EmbeddedBrokerOptions {
  port: number;
  host?: string;
  auth: BrokerAuth;
  onInbound: InboundHandler;
  clock: Clock;
  logger: Logger;
  /** When given, MQTT over WebSocket is served on it at `/mqtt`. */
  httpServer?: HttpServer;
}

export interface EmbeddedBroker extends MqttBus {
  /** The TCP port actually bound (useful with port 0). */
  readonly port: number;
  connectedClients(): number;
}

const authError = (code: 4 | 5, message: string): AuthenticateError => Object.assign(new Error(message), { returnCode: code });

/** Aedes on TCP and WebSocket; every device publish is durably accepted before its PUBACK. */
export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const principals = new WeakMap<Client, MqttPrincipal>();
  const byUsername = new Map<string, Set<Client>>();
  const log = opts.logger.child({ component: 'mqtt-broker' });

  const aedes = await Aedes.createBroker({
    authenticate(client, username, password, done) {
      opts.auth
        .authenticate(username, password?.toString('utf8'), client.id)
        .then((who) => {
          if (!who) return done(authError(4, 'bad username or password'), false);
          principals.set(client, who);
          if (username) {
            const set = byUsername.get(username) ?? new Set();
            set.add(client);
            byUsername.set(username, set);
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
      opts
        .onInbound({ topic: packet.topic, payload, qos: packet.qos, principal: who, receivedAt: opts.clock() })
        .then(() => done(null))
        .catch((err: unknown) => {
          log.error({ err, topic: packet.topic }, 'inbound message not accepted; no PUBACK');
          done(err instanceof Error ? err : new Error(String(err)));
        });
    },
    authorizeSubscribe(client, sub, done) {
      const who = principals.get(client);
      if (!who || !opts.auth.canSubscribe(who, sub.topic)) {
        log.warn({ clientId: client.id, filter: sub.topic }, 'subscription refused');
        return done(null, null);
      }
      done(null, sub);
    },
  });

  aedes.on('clientDisconnect', (client) => {
    for (const [name, set] of byUsername) {
      if (set.delete(client) && set.size === 0) byUsername.delete(name);
    }
  });

  const server = net.createServer((socket) => aedes.handle(socket));
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
    wss.handleUpgrade(req, socket, head, (ws) => aedes.handle(createWebSocketStream(ws), req));
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
    subscribe: async () => {},
    async disconnect(username) {
      const clients = [...(byUsername.get(username) ?? [])];
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
