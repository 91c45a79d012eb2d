/** Data shaping of the pipeline test bench: chaining worker tests step by step. */

export interface Sample {
  payload: string;
  encoding?: 'text' | 'base64' | 'hex';
  fPort?: number;
  topic?: string;
  metadata?: Record<string, unknown>;
  receivedAt?: number;
}

export interface StepOutput {
  payload: string;
  transport?: { topic?: string };
  metadata?: Record<string, unknown>;
  measurements?: unknown[];
  receivedAt?: number;
  device?: unknown;
}

export interface StepResult {
  worker: string;
  output: StepOutput | null;
  logs: { level: string; message: string }[];
  errors: { code: string; message: string; details?: unknown }[];
}

/** The sample the next step receives: the previous step's output message (payload as base64). */
export function nextSample(output: StepOutput): Sample {
  return {
    payload: output.payload,
    encoding: 'base64',
    ...(output.transport?.topic !== undefined && { topic: output.transport.topic }),
    ...(output.metadata && { metadata: output.metadata }),
    ...(output.receivedAt !== undefined && { receivedAt: output.receivedAt }),
  };
}

/** Why the chain stops after this step, or undefined to go on. */
export function stopReason(result: StepResult): string | undefined {
  if (result.errors.length > 0) return `${result.worker} failed: ${result.errors.map((e) => e.message).join('; ')}`;
  if (!result.output) return `${result.worker} gave no output`;
  const skip = result.output.metadata?.skip;
  return typeof skip === 'string' ? `skipped: ${skip}` : undefined;
}

/** Every measurement the steps produced, in order (each step's test starts from none). */
export function measurementsOf(results: readonly StepResult[]): unknown[] {
  return results.flatMap((r) => r.output?.measurements ?? []);
}

/** A step's config from the editor's JSON text; an empty text is no config. */
export function parseConfig(text: string): { config?: Record<string, unknown>; error?: string } {
  if (text.trim() === '') return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return { error: 'config must be a JSON object' };
    return { config: v as Record<string, unknown> };
  } catch (err) {
    return { error: `config is not JSON: ${(err as Error).message}` };
  }
}
