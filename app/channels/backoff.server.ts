import pRetry from "p-retry";

/**
 * Time and retries for a connector. Time is injected so the contract tests can run a
 * connector against a fake sharing one virtual clock: waits take no real time.
 */
export interface ConnectorClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: ConnectorClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason)), { once: true });
    }),
};

export interface BackoffPolicy {
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Exponential backoff with "equal jitter": half fixed, half random, so retries of many workers spread out. */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * Runs `operation`, retrying errors `isTransient` accepts with backoff and jitter (p-retry
 * drives the attempts; the waits go through the injected clock). Other errors surface at
 * once; after the last retry the last transient error surfaces.
 */
export async function retryTransient<T>(
  operation: (attempt: number) => Promise<T>,
  options: {
    policy: BackoffPolicy;
    clock: ConnectorClock;
    random: () => number;
    isTransient: (error: unknown) => boolean;
    signal?: AbortSignal;
  },
): Promise<T> {
  const { policy, clock, random, isTransient, signal } = options;
  return pRetry(operation, {
    retries: policy.retries,
    minTimeout: 0,
    maxTimeout: 0,
    randomize: false,
    ...(signal ? { signal } : {}),
    shouldRetry: (error) => isTransient(error),
    onFailedAttempt: async (error) => {
      // p-retry also calls this for errors it will not retry: only wait when a retry follows.
      if (error.retriesLeft > 0 && isTransient(error)) {
        await clock.sleep(backoffDelayMs(error.attemptNumber, policy, random), signal);
      }
    },
  });
}

/** The transient-retry policy of a connector not configured otherwise. */
export const DEFAULT_TRANSIENT_RETRY: BackoffPolicy = { retries: 3, baseDelayMs: 1_000, maxDelayMs: 30_000 };

/**
 * A connector's retries of its API calls: the errors `isTransient` accepts are retried with
 * its policy (`DEFAULT_TRANSIENT_RETRY`, overridable), on its clock and jitter source.
 */
export class TransientRetry {
  readonly policy: BackoffPolicy;
  readonly #clock: ConnectorClock;
  readonly #random: () => number;
  readonly #isTransient: (error: unknown) => boolean;

  constructor(options: {
    policy?: Partial<BackoffPolicy> | undefined;
    clock: ConnectorClock;
    random?: (() => number) | undefined;
    isTransient: (error: unknown) => boolean;
  }) {
    this.policy = { ...DEFAULT_TRANSIENT_RETRY, ...options.policy };
    this.#clock = options.clock;
    this.#random = options.random ?? Math.random;
    this.#isTransient = options.isTransient;
  }

  run<T>(operation: (attempt: number) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return retryTransient(operation, {
      policy: this.policy,
      clock: this.#clock,
      random: this.#random,
      isTransient: this.#isTransient,
      ...(signal ? { signal } : {}),
    });
  }
}
