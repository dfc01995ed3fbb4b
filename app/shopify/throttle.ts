/**
 * Shopify's cost-based leaky bucket seen from the client (shopify.dev/docs/api/usage/limits):
 * every answer carries `extensions.cost.throttleStatus`; points come back at
 * `restoreRate` per second up to `maximumAvailable`. Pure helpers; time is a parameter.
 */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface QueryCost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

export function projectedAvailable(status: ThrottleStatus, observedAt: number, now: number): number {
  const elapsedSeconds = Math.max(0, now - observedAt) / 1000;
  return Math.min(status.maximumAvailable, status.currentlyAvailable + elapsedSeconds * status.restoreRate);
}

/** How long to wait before a query of `cost` points fits in the bucket (0 when it fits now). */
export function waitForCostMs(status: ThrottleStatus, observedAt: number, now: number, cost: number): number {
  if (status.restoreRate <= 0) return 0;
  const needed = Math.min(cost, status.maximumAvailable) - projectedAvailable(status, observedAt, now);
  return needed <= 0 ? 0 : Math.ceil((needed / status.restoreRate) * 1000);
}

/** "Full jitter" backoff (AWS architecture blog): uniform in [0, min(cap, base × 2^attempt)). */
export function fullJitterDelayMs(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

export function readQueryCost(extensions: unknown): QueryCost | null {
  const cost = (extensions as { cost?: Partial<QueryCost> } | undefined)?.cost;
  const status = cost?.throttleStatus;
  if (!cost || !status || typeof status.currentlyAvailable !== "number" || typeof status.restoreRate !== "number")
    return null;
  return {
    requestedQueryCost: typeof cost.requestedQueryCost === "number" ? cost.requestedQueryCost : 0,
    actualQueryCost: typeof cost.actualQueryCost === "number" ? cost.actualQueryCost : null,
    throttleStatus: {
      maximumAvailable: status.maximumAvailable ?? status.currentlyAvailable,
      currentlyAvailable: status.currentlyAvailable,
      restoreRate: status.restoreRate,
    },
  };
}
