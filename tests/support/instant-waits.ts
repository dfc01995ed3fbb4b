/**
 * For tests whose fakes run on real time (no virtual clock): the waits the app makes
 * between polls take no real time, and nothing the tests assert changes.
 *
 * - `skippingClock()`: a connector clock (ConnectorDependencies.clock) on real time whose
 *   waits (Meta's batch polling, backoff) return at once and move this clock ahead by the
 *   wait instead, so a deadline counted on it still comes. The fakes finish batches at
 *   once, so the first status read finds them done, as it did after the real wait.
 * - `finishBulkAtOnce(world)`: the fake Shopify completes a bulk operation by the first
 *   status read, so a full read does not wait the one-second poll interval (the RUNNING
 *   path is covered by the bulk and Online Store contract tests).
 */
import type { ConnectorClock } from "~/channels/backoff.server";
import type { World } from "../../sim/world";

export function skippingClock(): ConnectorClock {
  let skippedMs = 0;
  return {
    now: () => Date.now() + skippedMs,
    async sleep(ms, signal) {
      signal?.throwIfAborted();
      skippedMs += Math.max(0, ms);
      // Yield, so servers and other awaiting code run in between, as they would in real time.
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
  };
}

export function finishBulkAtOnce(world: Pick<World, "shopify">): void {
  world.shopify.setBulkBehaviour({ readsUntilDone: 0 });
}
