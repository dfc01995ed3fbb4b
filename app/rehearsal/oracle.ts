/**
 * The oracle: the physical limit beside the strategies (issue 19). It knows every buyer to
 * come and every channel's future lag and outages, and shows each channel the most it can
 * without a channel selling what the shop does not have (checkout on the channel) or
 * sending a buyer to a sold-out page (checkout on the store). It faces the same physics as
 * the others, on the same shelves, buyers, accounting and sampling (channel-model.ts):
 *
 * - it writes at most once per step per channel (Meta: at most 100 batch calls an hour),
 *   a write lands when `expanded.landsAt` says, one item's writes in the order sent;
 * - Google: availability only, and about two updates per product per rolling day, plus one
 *   toward safety (out of stock), as the app's connector allows (CHANNELS.md);
 * - before its first write lands every channel shows the starting catalogue; what the
 *   channels show then can only be protected by holding units from the Online Store
 *   (Shopify's safety stock), which is all it ever holds.
 *
 * How it decides: items are independent. At each step, for each item and channel, the
 * value it writes lands at L (after the lag, the outage, the item's queue) and stays until
 * its next write could land, N. It replays the item's buyers from now to N with what is
 * already on its way to each channel and, for what it has not decided yet, the other
 * channels serving every buyer as far as stock goes (the most they could take, so the value
 * stays safe whatever it decides later), and takes the largest value under which no buyer
 * of that channel in [L, N) is oversold or sent to a sold-out page, capped by what the
 * master will have at L. Then the step's buyers are served for real, by the shared code.
 */
import type { StrategyResult } from "./metrics";
import {
  checkoutsOf,
  runToEnd,
  ShelfSimulation,
  type ChannelShadow,
  type Checkouts,
  type ProgressReporter,
  type Shelves,
  type StrategySimulation,
} from "./channel-model";
import type { Buyer, ExpandedScenario, LagChannel } from "./scenario";

const DAY_MS = 86_400_000;
/** Google's guidance and the app's connector defaults (app/channels/google/connector.server.ts). */
export const GOOGLE_UPDATES_PER_DAY = 2;
export const GOOGLE_SAFETY_OVERDRAFT = 1;
/** Meta's catalog batch budget (commerce guidance: about 100 calls a rolling hour). */
export const META_BATCH_CALLS_PER_HOUR = 100;

/** Units a channel-checkout channel will sell from what it showed before the oracle's first write lands. */
interface Forced {
  atMs: number;
  units: number;
}

/** A value for one channel of one item, landing at `landsAt` and meant to hold until `until`. */
interface Decision {
  channel: LagChannel;
  value: number;
  landsAt: number;
  until: number;
}

interface Replay {
  /** A buyer of the decided channel in [landsAt, until) oversold or sent to a sold-out page. */
  violation: boolean;
  /** What the master can sell when the value lands. */
  sellableAtLanding: number;
  /** What the channel would show at the landing without a new write. */
  shownAtLanding: number;
}

export interface OracleRun {
  result: StrategyResult;
  /** What the master could sell, per item, at each requested time (after the buyers before it). */
  snapshots: Map<number, number[]>;
}

const byLanding = (a: { visibleAt: number }, b: { visibleAt: number }) => a.visibleAt - b.visibleAt;

class OraclePlanner {
  readonly #buyersOf: Buyer[][];
  readonly #cursor: number[];
  readonly #forced: Forced[][];
  readonly #googleWrites: number[][];
  readonly #checkout: Checkouts;
  readonly #metaEvery: number;

  constructor(
    private readonly expanded: ExpandedScenario,
    buyers: readonly Buyer[],
    private readonly shelves: Shelves,
  ) {
    const count = expanded.variants.length;
    this.#buyersOf = Array.from({ length: count }, () => []);
    for (const buyer of buyers) this.#buyersOf[buyer.variant]!.push(buyer);
    this.#cursor = new Array<number>(count).fill(0);
    this.#googleWrites = Array.from({ length: count }, () => []);
    this.#checkout = checkoutsOf(expanded);
    // Meta: one batch call per write step at most, within its hourly budget.
    this.#metaEvery = Math.max(1, Math.ceil(3_600_000 / META_BATCH_CALLS_PER_HOUR / expanded.stepMs));
    this.#forced = this.#forcedSales();
  }

  /**
   * Before the first write can land, each channel shows the starting catalogue: what a
   * channel that takes orders itself will sell from it, buyer by buyer. The Online Store
   * holds those units so no one else takes them.
   */
  #forcedSales(): Forced[][] {
    const { expanded } = this;
    const forced: Forced[][] = this.#buyersOf.map(() => []);
    for (const channel of ["meta", "google"] as const) {
      if (this.#checkout[channel] !== "channel") continue;
      const firstLanding = expanded.landsAt(channel, expanded.startMs);
      this.#buyersOf.forEach((list, item) => {
        let shown = channel === "meta" ? expanded.variants[item]!.stock : Infinity;
        if (expanded.variants[item]!.stock <= 0) shown = 0;
        for (const buyer of list) {
          if (buyer.atMs >= firstLanding) break;
          if (buyer.channel !== channel) continue;
          const units = Math.min(buyer.units, shown);
          if (channel === "meta") shown -= units;
          if (units > 0) forced[item]!.push({ atMs: buyer.atMs, units });
        }
      });
    }
    for (const list of forced) list.sort((a, b) => a.atMs - b.atMs);
    return forced;
  }

  /** The Online Store hold in force during the step that contains `atMs`. */
  holdAt(item: number, atMs: number): number {
    const list = this.#forced[item]!;
    if (list.length === 0) return 0;
    const { startMs, stepMs } = this.expanded;
    const stepStart = startMs + Math.floor((atMs - startMs) / stepMs) * stepMs;
    let held = 0;
    for (const entry of list) if (entry.atMs >= stepStart) held += entry.units;
    return held;
  }

  /** Moves each item's cursor to its first buyer at or after `now`. */
  advance(now: number): void {
    this.#buyersOf.forEach((list, item) => {
      let index = this.#cursor[item]!;
      while (index < list.length && list[index]!.atMs < now) index += 1;
      this.#cursor[item] = index;
    });
  }

  /** No buyer of the item from now until `until`: nothing can change what it has or what it needs. */
  #quiet(item: number, until: number): boolean {
    const next = this.#buyersOf[item]![this.#cursor[item]!];
    return next === undefined || next.atMs >= until;
  }

  #shadow(channel: LagChannel): ChannelShadow {
    return channel === "meta" ? this.shelves.meta : this.shelves.google;
  }

  /**
   * The item's buyers from `now` to `decision.until`, with what is on its way to each
   * channel; the channel being decided shows `decision.value` from `decision.landsAt`; the
   * other channel, past `horizon`, serves every buyer as far as stock goes.
   */
  replay(item: number, now: number, decision: Decision, horizon: Record<LagChannel, number>): Replay {
    const { shelves } = this;
    const checkout = this.#checkout;
    let sellable = shelves.physical[item]!;
    const shown: Record<LagChannel, number> = {
      meta: shelves.meta.visible(item, now),
      google: shelves.google.visible(item, now),
    };
    const landings: { channel: LagChannel; visibleAt: number; value: number }[] = [];
    for (const version of shelves.meta.pendingAfter(item, now)) landings.push({ channel: "meta", ...version });
    for (const version of shelves.google.pendingAfter(item, now)) landings.push({ channel: "google", ...version });
    if (landings.length > 1) landings.sort(byLanding);
    let landed = 0;
    let decided = false;
    const outcome: Replay = { violation: false, sellableAtLanding: sellable, shownAtLanding: 0 };
    const list = this.#buyersOf[item]!;
    // No closures here: this runs a few million times on Black Friday.
    for (let index = this.#cursor[item]!; index <= list.length; index += 1) {
      const buyer = index < list.length ? list[index]! : undefined;
      const at = buyer === undefined || buyer.atMs >= decision.until ? decision.until : buyer.atMs;
      // What lands by the buyer's time (the decided value at its landing, after what was on its way).
      if (!decided && decision.landsAt <= at) {
        while (landed < landings.length && landings[landed]!.visibleAt <= decision.landsAt) {
          shown[landings[landed]!.channel] = landings[landed]!.value;
          landed += 1;
        }
        decided = true;
        outcome.sellableAtLanding = sellable;
        outcome.shownAtLanding = shown[decision.channel];
        shown[decision.channel] = decision.value;
      }
      while (landed < landings.length && landings[landed]!.visibleAt <= at) {
        shown[landings[landed]!.channel] = landings[landed]!.value;
        landed += 1;
      }
      if (buyer === undefined || buyer.atMs >= decision.until) break;
      const storeAvailable = Math.max(0, sellable - this.holdAt(item, buyer.atMs));
      const wanted = buyer.units;
      let bought: number;
      if (buyer.channel === "online_store") bought = Math.min(wanted, storeAvailable);
      else {
        const channel = buyer.channel;
        const isDecided = channel === decision.channel;
        if (!isDecided && buyer.atMs >= horizon[channel]) {
          // Not decided yet: the most this channel could take.
          bought = Math.min(wanted, checkout[channel] === "channel" ? Math.max(0, sellable) : storeAvailable);
        } else {
          const offered = channel === "google" ? (shown.google > 0 ? Infinity : 0) : Math.max(0, shown.meta);
          const judged = isDecided && decided;
          if (checkout[channel] === "channel") {
            bought = Math.min(wanted, offered);
            if (judged && bought > Math.max(0, sellable)) outcome.violation = true;
            if (channel === "meta") shown.meta = Math.max(0, shown.meta - bought);
          } else {
            const attempted = offered > 0 ? Math.min(wanted, offered) : 0;
            bought = Math.min(attempted, storeAvailable);
            if (judged && attempted > storeAvailable) outcome.violation = true;
          }
          if (outcome.violation) return outcome;
        }
      }
      sellable -= bought;
    }
    return outcome;
  }

  /** When a write of `channel` sent at step `step` lands, and until when it must hold. */
  window(item: number, channel: LagChannel, step: number, every: number): { landsAt: number; until: number } {
    const { expanded } = this;
    const sentAt = expanded.startMs + step * expanded.stepMs;
    const landsAt = Math.max(expanded.landsAt(channel, sentAt), this.#shadow(channel).queueEnd(item));
    const nextSend = sentAt + every * expanded.stepMs;
    const nextLanding = nextSend >= expanded.endMs ? expanded.endMs : expanded.landsAt(channel, nextSend);
    return { landsAt, until: Math.min(expanded.endMs, Math.max(nextLanding, landsAt)) };
  }

  /** Meta's value for the item from this step's landing: the largest that oversells no one (checkout on Meta) or fails no one. */
  decideMeta(item: number, step: number): number | null {
    if (step % this.#metaEvery !== 0) return null;
    const now = this.expanded.startMs + step * this.expanded.stepMs;
    const { landsAt, until } = this.window(item, "meta", step, this.#metaEvery);
    if (landsAt >= until) return null;
    if (this.#quiet(item, until)) {
      const value = Math.max(0, this.shelves.physical[item]!);
      return value === this.shelves.meta.visible(item, landsAt) ? null : value;
    }
    const horizon = { meta: Infinity, google: this.window(item, "google", step, 1).landsAt };
    const decision: Decision = { channel: "meta", value: 0, landsAt, until };
    const base = this.replay(item, now, decision, horizon);
    let best = Math.max(0, base.sellableAtLanding);
    decision.value = best;
    if (best > 0 && this.replay(item, now, decision, horizon).violation) {
      let low = 0;
      let high = best - 1;
      while (low < high) {
        decision.value = Math.ceil((low + high) / 2);
        if (this.replay(item, now, decision, horizon).violation) high = decision.value - 1;
        else low = decision.value;
      }
      best = low;
    }
    return best === base.shownAtLanding ? null : best;
  }

  /** Google's availability for the item from this step's landing: in stock unless a buyer would be failed or oversold. */
  decideGoogle(item: number, step: number): number | null {
    const now = this.expanded.startMs + step * this.expanded.stepMs;
    const { landsAt, until } = this.window(item, "google", step, 1);
    if (landsAt >= until) return null;
    const nextMetaStep = Math.ceil((step + 1) / this.#metaEvery) * this.#metaEvery;
    const horizon = { meta: this.window(item, "meta", nextMetaStep, this.#metaEvery).landsAt, google: Infinity };
    let value: number;
    let shown: number;
    if (this.#quiet(item, until)) {
      value = this.shelves.physical[item]! > 0 ? 1 : 0;
      shown = this.shelves.google.visible(item, landsAt);
    } else {
      const decision: Decision = { channel: "google", value: 0, landsAt, until };
      const base = this.replay(item, now, decision, horizon);
      decision.value = 1;
      value = base.sellableAtLanding > 0 && !this.replay(item, now, decision, horizon).violation ? 1 : 0;
      shown = base.shownAtLanding;
    }
    if (value === (shown > 0 ? 1 : 0)) return null;
    // About two updates a product a day, one more toward safety (the connector's rule).
    const writes = this.#googleWrites[item]!.filter((at) => at > now - DAY_MS);
    this.#googleWrites[item] = writes;
    if (writes.length >= GOOGLE_UPDATES_PER_DAY + (value === 0 ? GOOGLE_SAFETY_OVERDRAFT : 0)) return null;
    writes.push(now);
    return value;
  }
}

/** The oracle over the scenario: decisions at each step, then the step's buyers served by the shared code. */
class OracleSimulation extends ShelfSimulation {
  readonly #planner: OraclePlanner;
  readonly snapshots = new Map<number, number[]>();
  readonly #pendingSnapshots: number[];

  constructor(expanded: ExpandedScenario, buyers: readonly Buyer[], snapshotAt: readonly number[]) {
    super("oracle", expanded, buyers);
    this.#planner = new OraclePlanner(expanded, buyers, this.shelves);
    this.#pendingSnapshots = [...snapshotAt].sort((a, b) => a - b);
  }

  #takeSnapshots(before: number): void {
    const pending = this.#pendingSnapshots;
    while (pending.length > 0 && pending[0]! <= before)
      this.snapshots.set(pending.shift()!, [...this.shelves.physical]);
  }

  protected plan(now: number): void {
    const { expanded, shelves, accounting } = this;
    const planner = this.#planner;
    const step = this.done;
    planner.advance(now);
    let metaItems = 0;
    let googleItems = 0;
    let storeMoves = 0;
    for (let item = 0; item < expanded.variants.length; item += 1) {
      const hold = Math.max(0, Math.min(planner.holdAt(item, now), shelves.physical[item]!));
      if (hold !== shelves.safety[item]) {
        shelves.safety[item] = hold;
        storeMoves += 1;
      }
      const meta = planner.decideMeta(item, step);
      if (meta !== null) {
        shelves.meta.write(item, expanded.landsAt("meta", now), meta);
        metaItems += 1;
      }
      const google = planner.decideGoogle(item, step);
      if (google !== null) {
        shelves.google.write(item, expanded.landsAt("google", now), google);
        googleItems += 1;
      }
    }
    // Calls as the connectors batch them: 250 moves, 3,000 Meta items (+1 status check), 1 Google product per call.
    accounting.push("online_store", storeMoves, Math.ceil(storeMoves / 250));
    accounting.push("meta", metaItems, Math.ceil(metaItems / 3000) * 2);
    accounting.push("google", googleItems, googleItems);
  }

  protected override beforeBuyer(buyer: Buyer): void {
    this.#takeSnapshots(buyer.atMs);
  }

  protected afterSale(): void {}

  finish(wallMs: number): StrategyResult {
    this.#takeSnapshots(Infinity);
    const result = this.accounting.finish({ wallMs });
    result.notes.push(
      "Simulated in-process, knowing every buyer and every lag and outage to come: shows each channel the most it can without overselling or failing a checkout, within the same lags, write cadence and Google update allowance; holds units on the Online Store only to keep what channels show before its first writes land. The floor for oversells, failed checkouts and withheld units, not a strategy anyone can run.",
    );
    return result;
  }
}

/** The oracle a step at a time; `snapshots` holds what the master could sell at each `snapshotAt` once finished. */
export function oracleSimulation(
  expanded: ExpandedScenario,
  buyers: readonly Buyer[],
  snapshotAt: readonly number[] = [],
): StrategySimulation & { readonly snapshots: Map<number, number[]> } {
  return new OracleSimulation(expanded, buyers, snapshotAt);
}

export function simulateOracle(
  expanded: ExpandedScenario,
  buyers: readonly Buyer[],
  options: { progress?: ProgressReporter; snapshotAt?: readonly number[]; clock?: () => number } = {},
): OracleRun {
  const simulation = oracleSimulation(expanded, buyers, options.snapshotAt);
  const result = runToEnd(simulation, options);
  return { result, snapshots: simulation.snapshots };
}

/** The outage family's physical floor for one outage (issue 19). */
export interface OutageFloor {
  channel: LagChannel;
  atHour: number;
  minutes: number;
  /** Units the stalled channel's buyers wanted during the outage. */
  stalledDemandUnits: number;
  /**
   * Units sold on the stalled channel beyond stock during the outage, whatever it was shown
   * (issue 19): per item, the units its buyers wanted there during the outage beyond what
   * the master still had at the outage's start (the oracle's stock, the most any strategy
   * could have kept). A channel that kept offering the item met those buyers with nothing
   * behind them; a channel that counts its own sales down (Meta's checkout) stops at the
   * figure it showed, so only having shown less before the outage (withholding) avoids them.
   */
  floorUnits: number;
}

export function outageFloors(
  expanded: ExpandedScenario,
  buyers: readonly Buyer[],
  snapshots: Map<number, number[]>,
): OutageFloor[] {
  const floors: OutageFloor[] = [];
  for (const channel of ["meta", "google"] as const) {
    for (const outage of expanded.outages[channel]) {
      const stock = snapshots.get(outage.fromMs) ?? expanded.variants.map((variant) => variant.stock);
      const wanted = new Map<number, number>();
      for (const buyer of buyers)
        if (buyer.channel === channel && buyer.atMs >= outage.fromMs && buyer.atMs < outage.toMs)
          wanted.set(buyer.variant, (wanted.get(buyer.variant) ?? 0) + buyer.units);
      let floorUnits = 0;
      let stalledDemandUnits = 0;
      for (const [item, units] of wanted) {
        stalledDemandUnits += units;
        floorUnits += Math.max(0, units - Math.max(0, stock[item]!));
      }
      floors.push({
        channel,
        atHour: Math.round(((outage.fromMs - expanded.startMs) / 3_600_000) * 1000) / 1000,
        minutes: Math.round((outage.toMs - outage.fromMs) / 60_000),
        stalledDemandUnits,
        floorUnits,
      });
    }
  }
  return floors;
}
