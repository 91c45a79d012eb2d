/**
 * The floor of issue 10's ingest workload (bench/ingest-ceiling.bench.ts, phase `floor`): the
 * least a durable MQTT ingest does, in one process of its own, without Polder.
 *
 *   node --import tsx bench/support/floor-peer.ts <port> <sqlite file>
 *       prints "ready" once listening.
 *
 * Aedes (the package Polder embeds) on the event loop; its `authorizePublish` collects the
 * publishes of one turn of the loop and posts their payloads to a writer thread, which decodes
 * each (JSON, base64, Cayenne LPP: the workload's three types only), writes its points (idempotent
 * on datastream and time) and one small record an uplink (its device, time and point count, what
 * a trace must keep at least) in one transaction, WAL with synchronous=FULL, and answers; only
 * then do the PUBACKs go. No registry, no pipelines, no traces' steps, no rollups, no retries: the
 * path of `../shared/notes/ingest-feasibility.md`, plus the record an uplink.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { startWorkerThread } from '../../src/shared/worker-thread.js';
import { batchingBroker } from './batching-broker.js';

interface Batch {
  id: number;
  payloads: Uint8Array[];
}

if (isMainThread) {
  const [portText, file] = process.argv.slice(2);
  await batchingBroker<Batch>({
    port: Number(portText),
    writer: startWorkerThread(import.meta.url, 'floor-peer', { workerData: { file } }),
    batch: (id) => ({ id, payloads: [] }),
    add: (batch, packet) => batch.payloads.push(packet.payload as Uint8Array),
  });
} else {
  const sqlite = new BetterSqlite3((workerData as { file: string }).file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.exec(`
    create table if not exists points (datastream integer, time integer, value real, primary key (datastream, time)) without rowid;
    create table if not exists uplinks (id integer primary key, device integer, received_at integer, points integer);`);
  const point = sqlite.prepare('insert or ignore into points values (?, ?, ?)');
  const uplink = sqlite.prepare('insert into uplinks (device, received_at, points) values (?, ?, ?)');
  const devices = new Map<string, number>();
  const decoder = new TextDecoder();
  /** Cayenne LPP temperature (0x67), relative humidity (0x68), barometric pressure (0x73). */
  const lpp = (b: Buffer, out: number[]) => {
    for (let i = 0; i + 2 < b.length; ) {
      const type = b[i + 1];
      if (type === 0x67) {
        out.push(b.readInt16BE(i + 2) / 10);
        i += 4;
      } else if (type === 0x68) {
        out.push((b[i + 2] as number) / 2);
        i += 3;
      } else if (type === 0x73) {
        out.push(b.readUInt16BE(i + 2) / 10);
        i += 4;
      } else return;
    }
  };
  const store = sqlite.transaction((payloads: Uint8Array[]) => {
    const values: number[] = [];
    for (const p of payloads) {
      const up = JSON.parse(decoder.decode(p));
      const eui = up.end_device_ids.dev_eui as string;
      let device = devices.get(eui);
      if (device === undefined) {
        device = devices.size;
        devices.set(eui, device);
      }
      const time = Date.parse(up.uplink_message.received_at);
      values.length = 0;
      lpp(Buffer.from(up.uplink_message.frm_payload, 'base64'), values);
      for (let k = 0; k < values.length; k++) point.run(device * 8 + k, time, values[k]);
      uplink.run(device, Date.now(), values.length);
    }
  });
  parentPort?.on('message', (b: Batch) => {
    try {
      store(b.payloads);
      parentPort?.postMessage({ id: b.id });
    } catch (err) {
      parentPort?.postMessage({ id: b.id, error: String(err) });
    }
  });
}
