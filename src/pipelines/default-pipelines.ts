import type { PipelineInput } from './pipeline-validation.js';

/**
 * What every organisation starts with: the `neocampus` pipeline for its MQTT boards. Data comes
 * on `<building>/<room>/<module>` (and `outside/<zone>/<module>`) and, for other sites, on
 * `abroad/<site>/<building>/<room>/<module>`; the boards' status (`…/device`) is the fleet's, and
 * orders (`…/<module>/command`) are one level deeper than these filters. The device is the
 * board that published (its MQTT login), or the one the base topic and unitID name.
 * `devicesOnly`: any other three-level topic (`bench/node-1/up`) is left to the pipelines meant
 * for it, not enqueued, traced and skipped here.
 */
export const DEFAULT_PIPELINES: readonly PipelineInput[] = [
  {
    name: 'neocampus',
    description: 'neOCampus boards over MQTT (created with the organisation)',
    steps: [{ worker: 'neocampus' }],
    sources: [
      { kind: 'mqtt', topic: '+/+/+', exclude: ['+/+/device'], devicesOnly: true },
      { kind: 'mqtt', topic: 'abroad/+/+/+/+', exclude: ['abroad/+/+/+/device'], devicesOnly: true },
    ],
  },
];
