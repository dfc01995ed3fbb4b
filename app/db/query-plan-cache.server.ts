/**
 * Prisma 6's client compiles every ORM call to a query plan in its Wasm query compiler,
 * even a call identical to the one before: in the peak rehearsal that was about a fifth of
 * the worker's time (13,306 compiles in 200 simulated minutes, 38% of them repeats of a
 * request already seen: the installed shops, a connection by its key, pending webhooks).
 * Prisma 7 caches plans itself, but needs its downloaded schema engine (STACK.md).
 *
 * A plan is a pure function of the request (its values included) and of the compiler's
 * schema, so a plan is cached per compiler instance, keyed by the exact request text. Plans
 * are frozen before they are shared: executing one must never change it.
 *
 * Raw SQL ($queryRaw, $executeRaw: the bulk writes and the hot reads) was over half of what
 * was still compiled, each call with new values. Its plan is the SQL and the parameters,
 * each with the type the compiler infers from its JSON encoding: built here for the
 * encodings listed in rawArgument, compiled as before for any other. The test suite turns
 * on verifyRawQueryPlans (tests/support/verify-query-plans.ts): every such plan is then
 * also compiled and must be identical, or the query fails.
 *
 * Installed on both providers' compilers by prisma-patches.server.ts, behind the
 * BALLAST_PRISMA_PATCHES switch and the Prisma version check.
 */
export const MAX_CACHED_PLANS = 2_000;
/** Larger requests (bulk inserts, long IN lists) are rarely repeated: not worth the memory. */
export const MAX_CACHED_REQUEST_CHARS = 4_096;

export interface QueryPlanCacheStats {
  hits: number;
  misses: number;
  /** Raw queries planned here, without the compiler. */
  raw: number;
}

interface CompilerPrototype {
  compile(this: object, request: string): unknown;
}

export const queryPlanCacheStats: QueryPlanCacheStats = { hits: 0, misses: 0, raw: 0 };
const installed = new WeakSet<CompilerPrototype>();

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

type ArgType = { arity: "scalar"; scalarType: string; dbType: null };

/** One raw-query parameter as the compiler passes it on, or undefined for an encoding left to the compiler. */
function rawArgument(value: unknown): [unknown, ArgType] | undefined {
  const typed = (scalarType: string): ArgType => ({ arity: "scalar", scalarType, dbType: null });
  if (value === null) return [null, typed("unknown")];
  if (typeof value === "string") return [value, typed("string")];
  if (typeof value === "boolean") return [value, typed("boolean")];
  if (typeof value === "number") {
    if (Number.isSafeInteger(value) && !Object.is(value, -0)) return [value, typed("int")];
    if (Number.isFinite(value) && !Number.isInteger(value)) return [value, typed("float")];
    return undefined;
  }
  if (typeof value !== "object" || Array.isArray(value)) return undefined;
  const {
    prisma__type: type,
    prisma__value: encoded,
    ...rest
  } = value as { prisma__type?: unknown; prisma__value?: unknown };
  if (Object.keys(rest).length > 0 || typeof encoded !== "string") return undefined;
  if (type === "date") return [encoded, typed("datetime")];
  if (type === "bigint") return [encoded, typed("bigint")];
  if (type === "bytes") return [encoded, typed("bytes")];
  return undefined;
}

/** The plan of a raw query, when it is one and every parameter's encoding is known (else undefined). */
export function rawQueryPlan(request: string): unknown {
  if (!request.startsWith('{"action":"queryRaw"') && !request.startsWith('{"action":"executeRaw"')) return undefined;
  const parsed = JSON.parse(request) as {
    action: string;
    modelName?: unknown;
    query?: { arguments?: Record<string, unknown>; selection?: object };
  };
  const { query: sql, parameters, ...other } = parsed.query?.arguments ?? {};
  if (
    parsed.modelName !== undefined ||
    typeof sql !== "string" ||
    typeof parameters !== "string" ||
    Object.keys(other).length > 0
  )
    return undefined;
  if (Object.keys(parsed.query?.selection ?? {}).length > 0) return undefined;
  const values: unknown = JSON.parse(parameters);
  if (!Array.isArray(values)) return undefined;
  const args: unknown[] = [];
  const argTypes: ArgType[] = [];
  for (const value of values) {
    const argument = rawArgument(value);
    if (!argument) return undefined;
    args.push(argument[0]);
    argTypes.push(argument[1]);
  }
  return { type: parsed.action === "queryRaw" ? "query" : "execute", args: { type: "rawSql", sql, args, argTypes } };
}

let verifyPlans = false;

/** Also compile every raw plan built here and fail the query on any difference (the test suite does). */
export function verifyRawQueryPlans(enabled: boolean): void {
  verifyPlans = enabled;
}

/** Whether verifyRawQueryPlans is on. */
export function verifyingRawQueryPlans(): boolean {
  return verifyPlans;
}

function samePlan(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (
    typeof a !== "object" ||
    typeof b !== "object" ||
    a === null ||
    b === null ||
    Array.isArray(a) !== Array.isArray(b)
  )
    return false;
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => samePlan((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
  );
}

/** Makes every compiler made from this prototype reuse the plans of requests it has seen. */
export function cacheQueryPlans(prototype: CompilerPrototype): void {
  if (installed.has(prototype)) return;
  installed.add(prototype);
  const compile = prototype.compile;
  const plansOf = new WeakMap<object, Map<string, unknown>>();
  prototype.compile = function compileCached(this: object, request: string): unknown {
    const raw = rawQueryPlan(request);
    if (raw !== undefined) {
      queryPlanCacheStats.raw += 1;
      if (verifyPlans) {
        const compiled = compile.call(this, request);
        if (!samePlan(raw, compiled))
          throw new Error(
            `raw query plan differs from the compiler's: ${JSON.stringify(raw)} against ${JSON.stringify(compiled)}`,
          );
      }
      return raw;
    }
    if (request.length > MAX_CACHED_REQUEST_CHARS) return compile.call(this, request);
    let plans = plansOf.get(this);
    if (!plans) plansOf.set(this, (plans = new Map()));
    const cached = plans.get(request);
    if (cached !== undefined) {
      queryPlanCacheStats.hits += 1;
      // Least recently used first out: re-inserting moves it to the end of the Map's order.
      plans.delete(request);
      plans.set(request, cached);
      return cached;
    }
    queryPlanCacheStats.misses += 1;
    const plan = deepFreeze(compile.call(this, request));
    plans.set(request, plan);
    if (plans.size > MAX_CACHED_PLANS) plans.delete(plans.keys().next().value!);
    return plan;
  };
}
