import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { packMeasurements } from '../measurements/measurement-writer.sqlite.js';
import { traceRows } from '../pipelines/trace-rows.js';
import { sqliteLaneReader } from '../pipelines/writer-lane-reader.sqlite.js';
import { LaneDecoder } from '../pipelines/writer-lane-thread.js';
import { answerError } from './sqlite-thread-errors.js';
import type { LaneRequest, LaneThreadData, WriterAnswer, WriterRequest } from './sqlite-writer.js';

/**
 * The writer lane's decoding thread (sqlite-writer.ts): it decodes the lane's batches with the
 * built-in workers, reads devices and datastreams on its own read-only connection, and hands the
 * batch's rows (packed) and trace rows straight to the writer thread over their own channel, so
 * that one batch is decoded here while the one before is committed there. A batch with nothing
 * to store is answered from here; the writer answers the others once committed and synced.
 */
const data = workerData as LaneThreadData;
const port = parentPort;
if (!port) throw new Error('sqlite-lane-thread.ts runs as a worker thread');
const writer: MessagePort = data.writer;

// Opened at the first batch, where a failure is that batch's error (the runner takes it) and not
// the thread's end, which would stop the writer thread with it.
let sqlite: BetterSqlite3.Database | undefined;
let lane: LaneDecoder | undefined;
function decoder(): LaneDecoder {
  if (lane) return lane;
  sqlite = new BetterSqlite3(data.file, { readonly: true });
  sqlite.pragma('busy_timeout = 5000');
  lane = new LaneDecoder(sqliteLaneReader(sqlite));
  return lane;
}

port.on('message', (req: LaneRequest) => {
  try {
    switch (req.op) {
      case 'lane': {
        const { rows, traces, answer } = decoder().decode(req.batch);
        if (rows.length === 0)
          return void port.postMessage({
            id: req.id,
            result: { ...answer, triples: new Float64Array(0), fresh: new Uint8Array(0) },
          } satisfies WriterAnswer);
        const triples = packMeasurements(rows);
        writer.postMessage({ id: req.id, op: 'lane-store', triples, traces: traceRows(traces), answer } satisfies WriterRequest, [
          triples.buffer as ArrayBuffer,
          answer.stepMs.buffer as ArrayBuffer,
        ]);
        return;
      }
      case 'lane-forget':
        lane?.cache.forget(req.forget);
        return;
      case 'close':
        sqlite?.close();
        port.postMessage({ id: req.id } satisfies WriterAnswer);
        return;
    }
  } catch (err) {
    port.postMessage({ id: req.id, error: answerError(err) } satisfies WriterAnswer);
  }
});
