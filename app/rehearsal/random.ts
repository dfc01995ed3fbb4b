/**
 * Seeded randomness for the rehearsal: the simulation path never calls Math.random or
 * Date.now, so the same scenario and seed replay the same day.
 */
export type Random = () => number;

/**
 * mulberry32: a small, fast seeded PRNG, shared with the fakes' seeded failure rates
 * (sim/fakes/seeded-random.ts re-exports it), so they and the rehearsal repeat between runs.
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An independent stream per purpose, so adding draws to one never shifts another. */
export function stream(seed: number, purpose: string): Random {
  let hash = 2166136261 ^ seed;
  for (let index = 0; index < purpose.length; index += 1) hash = Math.imul(hash ^ purpose.charCodeAt(index), 16777619);
  return seededRandom(hash >>> 0);
}

export function uniform(random: Random, min: number, max: number): number {
  return min + (max - min) * random();
}

/** Index drawn in proportion to `weights` (cumulative table for repeated draws). */
export function weightedPicker(weights: readonly number[]): (random: Random) => number {
  const cumulative: number[] = [];
  let total = 0;
  for (const weight of weights) {
    total += Math.max(0, weight);
    cumulative.push(total);
  }
  if (total <= 0) throw new Error("weights must not all be zero");
  return (random) => {
    const target = random() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle]! > target) high = middle;
      else low = middle + 1;
    }
    return low;
  };
}
