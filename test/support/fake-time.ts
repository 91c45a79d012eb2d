/**
 * A clock that moves only when the code under test sleeps: pacing (uplinks sent at a rate for a
 * duration) is checked by counting, not by timing, whatever the machine's load.
 */
export function fakeTime(start = Date.UTC(2026, 0, 5, 12)) {
  let now = start;
  return {
    clock: () => now,
    sleep: async (ms: number) => {
      now += Math.max(1, ms);
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}
