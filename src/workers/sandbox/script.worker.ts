/**
 * A user script as a pipeline worker. Two forms:
 * - codec: `decodeUplink(input)` → `{data, warnings, errors}` as The Things Stack and ChirpStack v4
 *   run it (also TTN v2 `Decoder(bytes, port)` and ChirpStack v3 `Decode(fPort, bytes, variables)`);
 *   `data` goes to metadata.decoded and through json-map's mapping into measurements.
 * - `process(message)`: full control over a JSON copy of the message (payload as a byte array).
 */
import { type Static, Type } from '@sinclair/typebox';
import { JsonMapConfig, mapJson } from '../decoders/json-map.worker.js';
import type { MeasurementDraft, PipelineMessage } from '../message.js';
import { skipReason, withWarnings } from '../message.js';
import type { ScriptLog, WorkerContext, WorkerDefinition } from '../worker.js';
import { WorkerError } from '../worker.js';
import { ENTRY_POINTS, type EntryPoint } from './prelude.js';
import { checkResult, DecodeResultSchema, ProcessResultSchema, timeOf } from './script-result.js';
import type { ScriptSource } from './script-runner.js';

// A script names its device itself (decodeUplink output or process()); `device` is json-map's own.
const { source: _source, device: _device, ...mappingProperties } = JsonMapConfig.properties;

export const ScriptConfig = Type.Object(
  {
    entry: Type.Optional(
      Type.Union(
        ENTRY_POINTS.map((e) => Type.Literal(e)),
        { description: 'Which function to call; default: the first defined of decodeUplink, Decoder, Decode, process.' },
      ),
    ),
    variables: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: 'input.variables of decodeUplink (ChirpStack).' }),
    ),
    keepUnmapped: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'Keep decoded numbers that have no unit (battery, device_id, protocol_version …) as unit-less measurements instead of listing them in metadata.unmapped with a warning (same as mapping.keepUnmapped).',
      }),
    ),
    mapping: Type.Optional(
      Type.Object(mappingProperties, {
        additionalProperties: false,
        description: 'How decodeUplink data fields become measurements (json-map config).',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ScriptConfig = Static<typeof ScriptConfig>;

const bytesOf = (msg: PipelineMessage) => Array.from(msg.payload);

function runner(ctx: WorkerContext) {
  if (!ctx.scripts) throw new WorkerError('WORKER_FAILED', 'no ScriptRunner in the worker context');
  return ctx.scripts;
}

function report(ctx: WorkerContext, logs: ScriptLog[]): void {
  if (ctx.log) for (const l of logs) ctx.log(l);
}

/** Logs travel with a failure too: the trace shows what the script printed before it broke. */
function reportFailure(ctx: WorkerContext, err: unknown): never {
  if (err instanceof WorkerError && Array.isArray(err.details?.logs)) report(ctx, err.details.logs as ScriptLog[]);
  throw err;
}

async function decodeUplink(
  script: ScriptSource,
  entry: EntryPoint,
  msg: PipelineMessage,
  config: ScriptConfig,
  ctx: WorkerContext,
) {
  const fPort = typeof msg.metadata.fPort === 'number' ? msg.metadata.fPort : undefined;
  const variables = config.variables ?? {};
  const args =
    entry === 'decodeUplink'
      ? [{ bytes: bytesOf(msg), fPort, recvTime: new Date(msg.observedAt ?? msg.receivedAt).toISOString(), variables }]
      : entry === 'Decoder'
        ? [bytesOf(msg), fPort]
        : [fPort, bytesOf(msg), variables];
  const { value, logs } = await runner(ctx).call(script, entry, args, entry === 'decodeUplink' ? 0 : -1);
  report(ctx, logs);
  // The legacy forms return the data object itself.
  const result = entry === 'decodeUplink' ? checkResult(DecodeResultSchema, value, 'decodeUplink result', logs) : { data: value };
  const errors = (result.errors ?? []).map(String);
  if (errors.length > 0) {
    throw new WorkerError('SCRIPT_FAILED', `${entry} reported: ${errors.join('; ')}`, { errors, logs });
  }
  if (result.data === undefined || result.data === null) {
    throw new WorkerError('SCRIPT_FAILED', `${entry} returned no data`, { logs });
  }
  const mapped = mapJson(result.data, {
    ...config.mapping,
    source: 'decoded',
    ...(config.keepUnmapped !== undefined && { keepUnmapped: config.keepUnmapped }),
  });
  const warnings = [...(result.warnings ?? []).map(String), ...mapped.warnings];
  const metadata = { ...msg.metadata, decoded: result.data, ...(mapped.unmapped.length > 0 && { unmapped: mapped.unmapped }) };
  return { ...msg, metadata: withWarnings(metadata, warnings), measurements: [...msg.measurements, ...mapped.measurements] };
}

async function processMessage(script: ScriptSource, msg: PipelineMessage, ctx: WorkerContext): Promise<PipelineMessage> {
  const input = { ...msg, payload: bytesOf(msg) };
  const { value, logs } = await runner(ctx).call(script, 'process', [input]);
  report(ctx, logs);
  if (value === null) {
    return { ...msg, metadata: { ...msg.metadata, skip: 'process returned null' } };
  }
  const r = checkResult(ProcessResultSchema, value, 'process result', logs);
  const drafts: MeasurementDraft[] = (r.measurements ?? []).map(({ time, ...d }, i) => {
    const ms = timeOf(time, `measurements.${i}.time`, logs);
    return ms === undefined ? d : { ...d, time: ms };
  });
  // The message itself came back (same id): its measurements are the whole list. A bare
  // {measurements} result adds to what earlier steps produced.
  const measurements = r.id === msg.id ? drafts : [...msg.measurements, ...drafts];
  const observedAt = timeOf(r.observedAt, 'observedAt', logs) ?? msg.observedAt;
  return {
    ...msg,
    ...(r.payload && { payload: Uint8Array.from(r.payload) }),
    ...(r.device && { device: r.device }),
    ...(observedAt !== undefined && { observedAt }),
    metadata: r.metadata ?? msg.metadata,
    measurements,
  };
}

/** Picks the entry point: the configured one, else the first defined in ENTRY_POINTS order. */
async function entryOf(script: ScriptSource, config: ScriptConfig, ctx: WorkerContext): Promise<EntryPoint> {
  const defined = await runner(ctx).entries(script);
  const entry = config.entry ?? defined[0];
  if (!entry || !defined.includes(entry)) {
    throw new WorkerError('SCRIPT_INVALID', `the script defines no ${config.entry ?? 'entry point'} function`, { defined });
  }
  return entry;
}

/** A pipeline worker running `script`; compiled lazily by the context's ScriptRunner. */
export function defineScriptWorker(script: ScriptSource): WorkerDefinition {
  const run = async (msg: PipelineMessage, config: ScriptConfig, outer: WorkerContext): Promise<PipelineMessage> => {
    if (skipReason(msg)) return msg;
    // A failure after the call returned (errors, a malformed result) carries logs already
    // reported: report them once.
    let reported = false;
    const ctx: WorkerContext = {
      ...outer,
      log: (entry) => {
        reported = true;
        outer.log?.(entry);
      },
    };
    try {
      const entry = await entryOf(script, config, ctx);
      return entry === 'process' ? await processMessage(script, msg, ctx) : await decodeUplink(script, entry, msg, config, ctx);
    } catch (err) {
      if (reported) throw err;
      return reportFailure(ctx, err);
    }
  };
  return {
    name: script.name ?? script.id,
    kind: 'script',
    description: `User script ${script.name ?? script.id} (revision ${script.revision}, ${script.language})`,
    configSchema: ScriptConfig,
    run: run as WorkerDefinition['run'],
  };
}
