/**
 * Channel outages, shared by the Meta and Google fakes (sim/fakes/meta/outages.ts re-exports
 * this) and the rehearsal's in-process channel model: while a channel is out it applies
 * nothing, so a write that would have become visible during an outage becomes visible when
 * the outage ends (writes sent before it and during it alike). The channel still answers
 * requests: batches finish, inserts are accepted, reads show what was visible before.
 */
export interface OutageWindow {
  /** The channel applies nothing in [fromMs, toMs). */
  fromMs: number;
  toMs: number;
}

/** When a write due at `visibleAt` really becomes visible: after any outage it falls in. */
export function deferPastOutages(outages: readonly OutageWindow[], visibleAt: number): number {
  let at = visibleAt;
  // Outages may touch or overlap: keep moving until the time is outside all of them.
  for (let moved = true; moved;) {
    moved = false;
    for (const outage of outages) {
      if (at >= outage.fromMs && at < outage.toMs) {
        at = outage.toMs;
        moved = true;
      }
    }
  }
  return at;
}
