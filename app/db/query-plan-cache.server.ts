import { QueryCompiler as PostgresQueryCompiler } from "@prisma/client/runtime/query_compiler_bg.postgresql.mjs";
import { QueryCompiler as SqliteQueryCompiler } from "@prisma/client/runtime/query_compiler_bg.sqlite.mjs";

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
 */
export const MAX_CACHED_PLANS = 2_000;
/** Larger requests (bulk inserts, long IN lists) are rarely repeated: not worth the memory. */
export const MAX_CACHED_REQUEST_CHARS = 4_096;

export interface QueryPlanCacheStats {
  hits: number;
  misses: number;
}

interface CompilerPrototype {
  compile(this: object, request: string): unknown;
}

export const queryPlanCacheStats: QueryPlanCacheStats = { hits: 0, misses: 0 };
const installed = new WeakSet<CompilerPrototype>();

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** Makes every compiler made from this prototype reuse the plans of requests it has seen. */
export function cacheQueryPlans(prototype: CompilerPrototype): void {
  if (installed.has(prototype)) return;
  installed.add(prototype);
  const compile = prototype.compile;
  const plansOf = new WeakMap<object, Map<string, unknown>>();
  prototype.compile = function compileCached(this: object, request: string): unknown {
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

/** Both providers' compilers, once per process (app/db.server.ts). */
export function cacheAllQueryPlans(): void {
  cacheQueryPlans(SqliteQueryCompiler.prototype);
  cacheQueryPlans(PostgresQueryCompiler.prototype);
}
