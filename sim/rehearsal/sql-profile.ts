/**
 * REHEARSAL_SQL_PROFILE=1 (or a .json path to write every statement to): count the
 * statements this process runs and the time SQLite spends on them, by text and by the
 * worker phase they run in (a profiling aid: docs/rehearsal.md, "Results").
 */
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { queryPlanCacheStats } from "~/db/query-plan-cache.server";

export type SqlCounts = Map<string, { count: number; ms: number }>;

let profiledPhase = "-";

/** The worker's onPhase hook: statements are counted under the phase running now. */
export function setProfiledPhase(phase: string | null): void {
  profiledPhase = phase ?? "-";
}

type Statement = { run: (...args: unknown[]) => unknown; all: (...args: unknown[]) => unknown };

/** Statement text as listed: one line, schema quoting dropped, the start and the WHERE clause. */
function statementText(sql: string): string {
  const flat = sql.replace(/\s+/g, " ").replaceAll("`main`.", "").replaceAll("`", "");
  const where = flat.indexOf(" WHERE ");
  return where > 0 ? `${flat.slice(0, 70)} …${flat.slice(where, where + 170)}` : flat.slice(0, 140);
}

/** Patches better-sqlite3 to count statements when REHEARSAL_SQL_PROFILE is set; null otherwise. */
export function sqlProfile(): SqlCounts | null {
  if (!process.env.REHEARSAL_SQL_PROFILE) return null;
  const totals: SqlCounts = new Map();
  const BetterSqlite = createRequire(import.meta.url)("better-sqlite3") as {
    prototype: { prepare: (sql: string) => Statement };
  };
  // Statements are prepared once and run many times (app/db/sqlite-statement-cache.server.ts):
  // each run is counted, under the phase it runs in.
  const texts = new WeakMap<object, string>();
  const prototype = BetterSqlite.prototype;
  const prepare = prototype.prepare;
  let patched = false;
  const entry = (text: string) => {
    const key = `${profiledPhase.padEnd(20)} ${text}`;
    let found = totals.get(key);
    if (!found) totals.set(key, (found = { count: 0, ms: 0 }));
    return found;
  };
  const countRuns = (statementPrototype: Statement) => {
    for (const method of ["run", "all"] as const) {
      const original = statementPrototype[method];
      statementPrototype[method] = function (this: object, ...args: unknown[]) {
        const at = performance.now();
        try {
          return original.apply(this, args);
        } finally {
          const totalsEntry = entry(texts.get(this) ?? "?");
          totalsEntry.count += 1;
          totalsEntry.ms += performance.now() - at;
        }
      };
    }
  };
  prototype.prepare = function (this: unknown, sql: string) {
    const started = performance.now();
    const text = statementText(sql);
    const statement = prepare.call(this, sql);
    texts.set(statement, text);
    entry("(prepare)").ms += performance.now() - started;
    entry("(prepare)").count += 1;
    if (!patched) {
      patched = true;
      countRuns(Object.getPrototypeOf(statement) as Statement);
    }
    return statement;
  };
  return totals;
}

/** Prints the statements by time, by phase and by count (and writes them all to REHEARSAL_SQL_PROFILE when it names a .json file). */
export function printSqlProfile(sqlCounts: SqlCounts): void {
  const line = ([sql, { count, ms }]: [string, { count: number; ms: number }]) =>
    `${(ms / 1000).toFixed(2).padStart(7)} s ${String(count).padStart(7)} ${sql}`;
  const rows = [...sqlCounts];
  const totalCount = rows.reduce((sum, [, entry]) => sum + entry.count, 0);
  const totalMs = rows.reduce((sum, [, entry]) => sum + entry.ms, 0);
  console.log(
    `SQL by time (all: ${totalCount} statements, ${(totalMs / 1000).toFixed(1)} s in SQLite; query plans: ${queryPlanCacheStats.hits} reused, ${queryPlanCacheStats.misses} compiled)`,
  );
  console.log(
    rows
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 40)
      .map(line)
      .join("\n"),
  );
  const byPhase = new Map<string, { count: number; ms: number }>();
  for (const [key, entry] of rows) {
    const phase = key.slice(0, 20).trim();
    const total = byPhase.get(phase) ?? { count: 0, ms: 0 };
    total.count += entry.count;
    total.ms += entry.ms;
    byPhase.set(phase, total);
  }
  const profileFile = process.env.REHEARSAL_SQL_PROFILE ?? "";
  if (profileFile.endsWith(".json"))
    writeFileSync(
      profileFile,
      JSON.stringify(
        rows.map(([sql, entry]) => ({ sql, ...entry })),
        null,
        1,
      ),
    );
  console.log("SQL by phase");
  console.log(
    [...byPhase]
      .sort((a, b) => b[1].count - a[1].count)
      .map(line)
      .join("\n"),
  );
  console.log("SQL by count");
  console.log(
    rows
      .sort((a, b) => b[1].count - a[1].count)
      .slice(0, 40)
      .map(line)
      .join("\n"),
  );
}
