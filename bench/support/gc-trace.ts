/**
 * The garbage collector's work in a span of a process's `--trace-gc-nvp` output (one line per
 * collection and per V8 isolate: the event loop's and each worker thread's). Answers the figures
 * of the isolate that allocated most, the event loop's in Polder: how many scavenges and full
 * (mark-compact) collections, the time they took on that thread (pauses, and the incremental
 * marking steps a full collection runs between tasks), the bytes allocated (the heap's growth
 * between collections: young and pretenured alike) and promoted to the old generation.
 * Deterministic enough to compare two runs whose CPU figures vary by ±15 %.
 */
export interface GcFigures {
  scavenges: number;
  fullCollections: number;
  /** Pauses plus incremental marking steps, in ms. */
  ms: number;
  allocatedBytes: number;
  promotedBytes: number;
}

const LINE = /^\[\d+:(0x[0-9a-f]+)\]\s+[\d.]+ ms: (pause=.*)$/;

interface Isolate extends GcFigures {
  /** Heap size after the isolate's last collection (allocation is the growth from there to the next). */
  after?: number;
  /** The current marking cycle's `incremental.steps_took` so far (the field is cumulative per cycle). */
  steps: number;
}

export function gcFigures(output: string): GcFigures | undefined {
  const isolates = new Map<string, Isolate>();
  for (const line of output.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const fields = new Map<string, string>();
    for (const pair of (m[2] as string).split(' ')) {
      const eq = pair.indexOf('=');
      if (eq > 0) fields.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    const num = (k: string) => Number(fields.get(k) ?? 0) || 0;
    let f = isolates.get(m[1] as string);
    if (!f) {
      f = { scavenges: 0, fullCollections: 0, ms: 0, allocatedBytes: 0, promotedBytes: 0, steps: 0 };
      isolates.set(m[1] as string, f);
    }
    const kind = fields.get('gc');
    if (kind === 's') f.scavenges++;
    else if (kind === 'mc' || kind === 'mmc') f.fullCollections++;
    f.ms += num('pause');
    // Incremental marking steps run between tasks; the lines repeat the cycle's running total
    // (a smaller one starts a new cycle).
    if (fields.has('incremental.steps_took')) {
      const steps = num('incremental.steps_took');
      f.ms += steps >= f.steps ? steps - f.steps : steps;
      f.steps = steps;
    }
    // The `allocated` field counts from different points in different lines; the heap's growth
    // between two collections does not.
    const before = num('total_size_before');
    if (f.after !== undefined && before > f.after) f.allocatedBytes += before - f.after;
    f.after = num('total_size_after');
    f.promotedBytes += num('promoted');
  }
  let main: Isolate | undefined;
  for (const f of isolates.values()) if (!main || f.allocatedBytes > main.allocatedBytes) main = f;
  if (!main) return undefined;
  const { scavenges, fullCollections, ms, allocatedBytes, promotedBytes } = main;
  return { scavenges, fullCollections, ms, allocatedBytes, promotedBytes };
}
