/**
 * mulberry32: a small, fast seeded PRNG, so the fakes' failure rates and the rehearsal
 * repeat between runs. It lives with the rehearsal's core (app/rehearsal/random.ts).
 */
export { seededRandom } from "~/rehearsal/random";
