import type { Client } from 'aedes';
import { describe, expect, it } from 'vitest';
import { ReadAhead } from './read-ahead.js';

/** The two fields of an Aedes client ReadAhead uses: packets of the read in hand, and "read on". */
function fakeClient(inRead: number) {
  const c = {
    _parsingBatch: inRead,
    reads: 0,
    _nextBatch() {
      c._parsingBatch--;
      if (c._parsingBatch <= 0) {
        c._parsingBatch = 0;
        c.reads++;
      }
    },
  };
  return c;
}
const turn = () => new Promise((r) => setImmediate(r));

describe('ReadAhead', () => {
  it('reads on once every publish of the read is handed over, but not past its limit', async () => {
    const ahead = new ReadAhead(2);
    const client = fakeClient(3);
    const answers: (() => void)[] = [];
    const done: number[] = [];
    for (let i = 0; i < 3; i++)
      ahead.answer(client as unknown as Client, new Promise<void>((r) => answers.push(r)), () => done.push(i));
    await turn();
    // Two are released (the limit); the third holds the read, as Aedes does without ReadAhead.
    expect(client._parsingBatch).toBe(1);
    expect(client.reads).toBe(0);
    answers[0]?.();
    await turn();
    expect(done).toEqual([0]);
    // Aedes counts the answered publish out again after `done`; the held one still holds the read.
    client._nextBatch();
    expect(client.reads).toBe(0);
  });

  it('reads on at once when the whole read is released', async () => {
    const ahead = new ReadAhead(10);
    const client = fakeClient(2);
    ahead.answer(client as unknown as Client, new Promise(() => {}), () => {});
    ahead.answer(client as unknown as Client, new Promise(() => {}), () => {});
    await turn();
    expect(client.reads).toBe(1);
  });

  it('answers in the order the publishes came, an error included', async () => {
    const ahead = new ReadAhead(10);
    const client = fakeClient(3);
    const seen: string[] = [];
    let fail!: (err: Error) => void;
    ahead.answer(client as unknown as Client, new Promise((_, reject) => (fail = reject)), (err) =>
      seen.push(`a:${err?.message}`),
    );
    ahead.answer(client as unknown as Client, Promise.resolve(), (err) => seen.push(`b:${err ?? 'ok'}`));
    await turn();
    expect(seen).toEqual([]);
    fail(new Error('refused'));
    await turn();
    expect(seen).toEqual(['a:refused', 'b:ok']);
  });
});
