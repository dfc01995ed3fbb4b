/**
 * Wall time per phase of the worker (ingest, recompute:all, push:<channel>, …) and who is
 * told when a phase starts and ends: the rehearsal's report and profiler. Without either,
 * a phase runs untimed.
 */
export class PhaseTimer {
  /** The phase `timed` is in, for `onPhase`. */
  private activePhase: string | null = null;

  constructor(
    private readonly timings: Map<string, { ms: number; count: number }> | undefined,
    private readonly onPhase: ((phase: string | null) => void) | undefined,
  ) {}

  async timed<T>(phase: string, work: () => Promise<T>): Promise<T> {
    const { timings, onPhase } = this;
    if (!timings && !onPhase) return work();
    const enclosing = this.activePhase;
    this.activePhase = phase;
    onPhase?.(phase);
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.activePhase = enclosing;
      onPhase?.(enclosing);
      if (timings) {
        const entry = timings.get(phase) ?? { ms: 0, count: 0 };
        entry.ms += performance.now() - started;
        entry.count += 1;
        timings.set(phase, entry);
      }
    }
  }
}
