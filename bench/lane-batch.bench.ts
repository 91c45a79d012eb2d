/**
 * What crossing to the writer lane's thread costs a batch of 500 MQTT uplinks (src/pipelines/lane-batch.ts):
 * as an object per uplink, the structured clone of postMessage (v8.serialize, on the event loop) and
 * reading it back (v8.deserialize, on the lane's thread), against the columns: packLaneBatch and the
 * serialize of its result, then the deserialize and laneMessages. Best of 5 rounds of 200 batches.
 *   npm run bench lane-batch
 */
import { deserialize, serialize } from 'node:v8';
import { type LaneMessage, laneMessages, packLaneBatch } from '../src/pipelines/lane-batch.js';
import type { Delivery } from '../src/queue/inbox.js';
import { figure, heading } from './support/bench-kit.js';

const UPLINKS = 500;
const BATCHES = 200;
const ORG = '0190d0d0-0000-7000-8000-000000000001';
const PIPELINE = '0190d0d0-0000-7000-8000-000000000002';
const pipelines = [{ id: PIPELINE, signature: '[]', steps: [] }];

const now = Date.now();
const deliveries: Delivery[] = Array.from({ length: UPLINKS }, (_, i) => ({
  attempt: 1,
  message: {
    id: `0190d0d0-${String(i).padStart(4, '0')}-7000-8000-${String(i).padStart(12, '0')}`,
    orgId: ORG,
    pipelineId: PIPELINE,
    receivedAt: now + i,
    transport: { kind: 'mqtt', topic: `v3/bench@ttn/devices/eui-70b3d57ed0${String(i % 1000).padStart(6, '0')}/up` },
    payload: new Uint8Array(600),
    metadata: {},
    measurements: [],
  },
}));
// The object form as the event loop built it before the columns.
const objects = () => {
  let at = 0;
  const messages: LaneMessage[] = deliveries.map((d) => {
    const m = d.message;
    const start = at;
    at += m.payload.byteLength;
    return {
      id: m.id,
      orgId: m.orgId,
      pipelineId: m.pipelineId,
      receivedAt: m.receivedAt,
      attempt: d.attempt,
      transport: m.transport,
      start,
      end: at,
    };
  });
  return { messages, payloads: new Uint8Array(at), pipelines };
};

function best(work: () => void): number {
  let min = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let b = 0; b < BATCHES; b++) work();
    min = Math.min(min, (performance.now() - t0) / BATCHES);
  }
  return min;
}

heading(`lane-batch: a batch of ${UPLINKS} MQTT uplinks to the lane's thread, best of 5 × ${BATCHES}`);
const asObjects = serialize(objects());
const asColumns = serialize(packLaneBatch(deliveries, pipelines));
figure(
  'objects: built and serialized (event loop)',
  best(() => serialize(objects())),
  'ms',
  `${asObjects.length} bytes`,
);
figure(
  'objects: deserialized (lane thread)',
  best(() => deserialize(asObjects)),
  'ms',
);
figure(
  'columns: packed and serialized (event loop)',
  best(() => serialize(packLaneBatch(deliveries, pipelines))),
  'ms',
  `${asColumns.length} bytes`,
);
figure(
  'columns: deserialized and read back (lane thread)',
  best(() => laneMessages(deserialize(asColumns))),
  'ms',
);
