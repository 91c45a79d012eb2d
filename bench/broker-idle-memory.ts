/**
 * What an idle MQTT connection costs the embedded broker, apart from the rest of Polder: the
 * broker runs alone in a child process (bench/support/idle-broker.ts); this process opens N
 * plain TCP connections that each send a CONNECT (MQTT 3.1.1, keepalive 60 s) and subscribe to
 * `<base>/+/command` as a neOCampus board does, then stay silent. Prints the child's RSS and live
 * JS heap (after a forced GC) before and after, per connection.
 *   npx tsx bench/broker-idle-memory.ts [connections=10000]
 */
import { fork } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const N = Number(process.argv[2] ?? 10_000);
const child = fork(path.join(import.meta.dirname, 'support/idle-broker.ts'), [], {
  execArgv: ['--expose-gc', '--import', 'tsx'],
});
const replies: ((m: Record<string, number>) => void)[] = [];
child.on('message', (m) => replies.shift()?.(m as Record<string, number>));
const next = () => new Promise<Record<string, number>>((r) => replies.push(r));
const port = (await next()).port as number;
const memory = () => {
  const p = next();
  child.send('gc');
  return p;
};

const str = (s: string) => {
  const b = Buffer.from(s);
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 255]), b]);
};
const packet = (type: number, body: Buffer) => {
  const len: number[] = [];
  let n = body.length;
  do {
    let d = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) d |= 128;
    len.push(d);
  } while (n > 0);
  return Buffer.concat([Buffer.from([type, ...len]), body]);
};
const connectPacket = (id: string) =>
  packet(0x10, Buffer.concat([str('MQTT'), Buffer.from([4, 0xc2, 0, 60]), str(id), str(id), str('secret')]));
const subscribePacket = (id: string) =>
  packet(0x82, Buffer.concat([Buffer.from([0, 1]), str(`b/${id}/+/command`), Buffer.from([1])]));

const before = await memory();
const sockets: net.Socket[] = [];
const started = performance.now();
for (let i = 0; i < N; i += 200) {
  await Promise.all(
    Array.from({ length: Math.min(200, N - i) }, (_, k) => {
      const id = `board-${i + k}`;
      return new Promise<void>((resolve, reject) => {
        const s = net.connect({ port, host: '127.0.0.1' }, () => s.write(connectPacket(id)));
        let got = 0;
        s.on('data', (d) => {
          got += d.length;
          // CONNACK (4 bytes), then SUBACK (5 bytes).
          if (got === 4) s.write(subscribePacket(id));
          if (got >= 9) resolve();
        });
        s.on('error', reject);
        sockets.push(s);
      });
    }),
  );
}
const seconds = (performance.now() - started) / 1000;
// Let the broker settle (timers, GC), then measure twice.
await new Promise((r) => setTimeout(r, 2000));
await memory();
const after = await memory();
const mib = (b: number) => (b / 2 ** 20).toFixed(1);
const per = (k: string) => (((after[k] as number) - (before[k] as number)) / N / 1024).toFixed(2);
console.log(`${after.clients} connections held (opened in ${seconds.toFixed(1)} s)`);
for (const k of ['rss', 'heapUsed', 'heapTotal', 'external']) {
  console.log(
    `${k.padEnd(10)} ${mib(before[k] as number).padStart(7)} → ${mib(after[k] as number).padStart(7)} MiB   ${per(k)} KiB per connection`,
  );
}
if (process.env.POLDER_BENCH_SNAPSHOT) {
  const p = next();
  child.send('snapshot');
  await p;
  console.log(`heap snapshot: ${process.env.POLDER_BENCH_SNAPSHOT}`);
}
for (const s of sockets) s.destroy();
child.kill();
process.exit(0);
