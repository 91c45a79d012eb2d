import { Counter, type Registry } from 'prom-client';
import { OneLabelHistogram } from '../shared/histogram.js';
import type { TraceStatus } from './pipelines.js';

/** Hooks for metrics; the runner knows nothing of Prometheus. */
export interface PipelineRunnerObserver {
  messages(status: TraceStatus, count: number): void;
  measurements(count: number): void;
  /** `worker` is a built-in's name, "script" or "store" (bounded label values). */
  step(worker: string, seconds: number): void;
}

/** Prometheus metrics of the pipeline runner, on the instance's registry (shared by the runners of a process). */
export function pipelineRunnerMetrics(registry: Registry): PipelineRunnerObserver {
  const registers = [registry];
  const existing = <M>(name: string) => registry.getSingleMetric(name) as M | undefined;
  const messages =
    existing<Counter<'status'>>('polder_pipeline_messages_total') ??
    new Counter({
      name: 'polder_pipeline_messages_total',
      help: 'Uplink messages the pipeline runner finished a delivery of, by trace status.',
      labelNames: ['status'] as const,
      registers,
    });
  const measurements =
    existing<Counter>('polder_pipeline_measurements_total') ??
    new Counter({
      name: 'polder_pipeline_measurements_total',
      help: 'Measurements produced by stored uplinks (redelivered ones included; see polder_measurements_stored_total for new rows).',
      registers,
    });
  const stepSeconds =
    existing<OneLabelHistogram>('polder_pipeline_step_seconds') ??
    new OneLabelHistogram(
      registry,
      'polder_pipeline_step_seconds',
      'Time of one pipeline step on one message (the store step: on one batch), by worker (built-in name, "script" or "store").',
      'worker',
      [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    );
  return {
    messages: (status, count) => messages.inc({ status }, count),
    measurements: (count) => measurements.inc(count),
    step: (worker, seconds) => stepSeconds.observe(worker, seconds),
  };
}
