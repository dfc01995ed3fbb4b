/**
 * Time for the fakes. Real runs use the system clock; tests share one VirtualClock
 * between a fake and the connector under test, so "wait five minutes for Meta to
 * finish the batch" takes no real time and no test depends on timing.
 */
export interface FakeClock {
  now(): number;
}

/** Real time. The fakes only read it; waiting is the caller's business (connectors bring their own clock). */
export const systemClock: FakeClock = { now: () => Date.now() };

/** A clock that only moves when told; `sleep` moves it and returns at once. */
export class VirtualClock implements FakeClock {
  #now: number;
  /** Every sleep requested, in order: lets a test check backoff without waiting for it. */
  readonly sleeps: number[] = [];

  constructor(start = Date.UTC(2026, 10, 27, 9, 0, 0)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    if (ms < 0) throw new RangeError("time does not go backwards");
    this.#now += ms;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.sleeps.push(ms);
    this.advance(Math.max(0, ms));
    // Yield so servers and other awaiting code run in between, as they would in real time.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
