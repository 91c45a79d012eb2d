/**
 * The two other processes of the transport ceiling (bench/ingest-ceiling.bench.ts):
 *
 *   node --import tsx bench/support/ceiling-peer.ts broker <port>
 *       a bare Aedes broker (the package Polder embeds), no hooks: prints "ready" once listening.
 *   node --import tsx bench/support/ceiling-peer.ts subscriber <port> <filter> <count>
 *       subscribes QoS 1, prints "ready", then "first <epoch ms>" and "done <epoch ms>" once
 *       <count> messages arrived, and exits.
 *   node --import tsx bench/support/ceiling-peer.ts http <port>
 *       a bare node:http server: reads each request's body and answers 202 with a JSON trace id,
 *       as Polder's uplink routes do; prints "ready" once listening.
 */
import http from 'node:http';
import net from 'node:net';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';

const [mode, portText, filter, countText] = process.argv.slice(2);
const port = Number(portText);

if (mode === 'broker') {
  const aedes = await Aedes.createBroker();
  const server = net.createServer((socket) => aedes.handle(socket));
  server.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
} else if (mode === 'subscriber') {
  const count = Number(countText);
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: `ceiling-sub-${process.pid}` });
  let seen = 0;
  client.on('message', () => {
    if (seen === 0) process.stdout.write(`first ${Date.now()}\n`);
    if (++seen === count) {
      process.stdout.write(`done ${Date.now()}\n`);
      void client.endAsync().then(() => process.exit(0));
    }
  });
  await client.subscribeAsync(filter ?? '#', { qos: 1 });
  process.stdout.write('ready\n');
} else if (mode === 'http') {
  const answer = JSON.stringify({ traceId: '019ae4a0-0000-7000-8000-000000000000' });
  const server = http.createServer((req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      res.writeHead(202, { 'content-type': 'application/json; charset=utf-8' });
      res.end(answer);
    });
  });
  server.keepAliveTimeout = 72_000;
  server.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
} else {
  process.stderr.write('usage: ceiling-peer.ts broker <port> | subscriber <port> <filter> <count> | http <port>\n');
  process.exit(2);
}
