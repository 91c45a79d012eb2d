/**
 * Wakes a sleeping consumer loop. `notify` before `wait` is remembered, so a wake-up that
 * arrives while the loop is still querying is not lost (it would otherwise cost a poll delay).
 */
export class WakeSignal {
  private notified = false;
  private wake: (() => void) | undefined;

  notify(): void {
    this.notified = true;
    this.wake?.();
  }

  /** Forgets earlier notifications: call before looking for work. */
  reset(): void {
    this.notified = false;
  }

  /** Resolves on notify() (or one since reset()), or after `ms`. */
  wait(ms: number): Promise<void> {
    if (this.notified) {
      this.notified = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        this.notified = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
