/**
 * `npm run rehearse [-- --scenario black-friday|flash-drop|holiday-week|channel-outage|small|path.json]
 *   [--checkout meta=store,google=channel] [--speed N] [--json PATH] [--seed N] [--keep-open] [--in-process]`
 * `npm run rehearse -- --import-orders orders.csv --import-products products.csv --out scenario.json`
 *
 * Replays a scenario against three strategies on the same demand: native sync and static
 * tiers simulated in-process, Ballast adaptive with the real app over HTTP, and beside them
 * the oracle (the physical limit, in-process; see docs/rehearsal.md). Prints progress, a
 * summary table with what each strategy cost, the family's goal lines, and writes a JSON and
 * an HTML report under rehearsals/. `--in-process` adds a fifth column: the same adaptive
 * rules run in-process by the app's "your settings" strategy (app/rehearsal/settings-strategy.ts),
 * to see how close it is to the real app.
 */
import { createHmac, randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import buildOnce from "./build-once";
import { importShopifyCsv } from "./rehearsal/import-csv";
import { FAMILY_NAMES } from "~/rehearsal/families";
import { simulateInProcess } from "~/rehearsal/inprocess";
import { withCost } from "~/rehearsal/metrics";
import { simulateSettings } from "~/rehearsal/settings-strategy";
import { outageFloors, simulateOracle } from "~/rehearsal/oracle";
import {
  expandScenario,
  generateDemand,
  parseCheckoutOverride,
  withCheckout,
  type CheckoutOverride,
} from "~/rehearsal/scenario";
import {
  cheapestStrategy,
  evaluateGoal,
  goalText,
  htmlReport,
  oracleMultiple,
  summaryLines,
  summaryTable,
  type RehearsalReport,
} from "./rehearsal/report";
import { loadScenario } from "./rehearsal/scenario-file";

/** A mistake in the command line or the scenario file: reported without a stack. */
class UsageError extends Error {}

/** What `action` returns; any error it throws becomes a UsageError. */
function asUsage<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

interface Arguments {
  scenario: string;
  checkout: CheckoutOverride;
  seed: number;
  speed: number;
  json: string | null;
  keepOpen: boolean;
  inProcess: boolean;
  importOrders: string | null;
  importProducts: string | null;
  out: string | null;
}

function parseArguments(argv: string[]): Arguments {
  const args: Arguments = {
    scenario: "black-friday",
    checkout: {},
    seed: 1,
    speed: 0,
    json: null,
    keepOpen: false,
    inProcess: false,
    importOrders: null,
    importProducts: null,
    out: null,
  };
  for (let index = 0; index < argv.length; index += 1) {
    const flag = argv[index]!;
    const value = () => {
      const next = argv[++index];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    if (flag === "--scenario") args.scenario = value();
    else if (flag === "--checkout") args.checkout = parseCheckoutOverride(value());
    else if (flag === "--seed") args.seed = Number.parseInt(value(), 10);
    else if (flag === "--speed") args.speed = Number(value());
    else if (flag === "--json") args.json = value();
    else if (flag === "--keep-open") args.keepOpen = true;
    else if (flag === "--in-process") args.inProcess = true;
    else if (flag === "--import-orders") args.importOrders = value();
    else if (flag === "--import-products") args.importProducts = value();
    else if (flag === "--out") args.out = value();
    else if (flag === "--help" || flag === "-h") {
      console.log(
        `usage: npm run rehearse [-- --scenario ${FAMILY_NAMES.join("|")}|path.json] [--checkout meta=channel|store,google=channel|store] [--seed N] [--speed N] [--json PATH] [--keep-open] [--in-process]\n       npm run rehearse -- --import-orders orders.csv --import-products products.csv --out scenario.json`,
      );
      process.exit(0);
    } else throw new Error(`unknown option ${flag} (try --help)`);
  }
  if (!Number.isInteger(args.seed)) throw new Error("--seed must be an integer");
  if (!Number.isFinite(args.speed) || args.speed < 0)
    throw new Error("--speed must be a number ≥ 0 (simulated seconds per real second; 0 = as fast as possible)");
  return args;
}

/** An App Bridge session token for the dashboard link (HS256 with the app secret). */
export function dashboardToken(shop: string, apiKey: string, secret: string, validForSeconds: number): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const header = encode({ alg: "HS256", typ: "JWT" });
  const payload = encode({
    iss: `https://${shop}/admin`,
    dest: `https://${shop}`,
    aud: apiKey,
    sub: "1",
    exp: now + validForSeconds,
    nbf: now - 5,
    iat: now - 5,
    jti: randomUUID(),
    sid: randomUUID(),
  });
  const signature = createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, "-").replace("T", "_").slice(0, 19);
}

async function main(): Promise<void> {
  const args = asUsage(() => parseArguments(process.argv.slice(2)));
  if (args.importOrders || args.importProducts) {
    if (!args.importOrders || !args.importProducts || !args.out)
      throw new Error("the importer needs --import-orders, --import-products and --out");
    const scenario = importShopifyCsv({ ordersCsv: args.importOrders, productsCsv: args.importProducts });
    writeFileSync(args.out, `${JSON.stringify(scenario, null, 2)}\n`);
    console.log(
      `wrote ${args.out}: ${scenario.catalogue && "variants" in scenario.catalogue ? scenario.catalogue.variants.length : 0} variants, ${scenario.demand.orders} orders over ${scenario.durationHours} h`,
    );
    console.log(`rehearse it: npm run rehearse -- --scenario ${args.out}`);
    return;
  }

  const wallStart = performance.now();
  const scenario = asUsage(() => withCheckout(loadScenario(args.scenario), args.checkout));
  const expanded = expandScenario(scenario, args.seed);
  const buyers = generateDemand(expanded);
  const fileStamp = stamp();
  const jsonPath = args.json ?? path.join("rehearsals", `${fileStamp}.json`);
  const htmlPath = jsonPath.replace(/\.json$/i, "") + ".html";
  console.log(
    `Ballast peak rehearsal: ${scenario.name} (${expanded.family}) · ${expanded.variants.length} variants · ${buyers.length} orders over ${scenario.durationHours} h · seed ${args.seed} · checkout Meta: ${scenario.channels.meta.checkout}, Google: ${scenario.channels.google.checkout}`,
  );

  let lastLine = 0;
  const progress = (strategy: string, fraction: number, line: string) => {
    const now = performance.now();
    if (fraction < 1 && now - lastLine < 2_000) return;
    lastLine = now;
    console.log(`  ${strategy.padEnd(8)} ${(fraction * 100).toFixed(0).padStart(3)}%  ${line}`);
  };

  const weights = scenario.costs;
  const clock = () => performance.now();
  const native = withCost(simulateInProcess("native", expanded, buyers, progress, clock), weights);
  const fixed = withCost(simulateInProcess("static", expanded, buyers, progress, clock), weights);
  const outageStarts = [...expanded.outages.meta, ...expanded.outages.google].map((outage) => outage.fromMs);
  const oracleRun = simulateOracle(expanded, buyers, { progress, snapshotAt: outageStarts, clock });
  const oracle = withCost(oracleRun.result, weights);
  const floors = outageFloors(expanded, buyers, oracleRun.snapshots);

  console.log("  adaptive: building the app if needed, starting it on a fresh SQLite file with the fakes…");
  buildOnce();
  // The app's JSON logs would drown the progress lines: warnings and errors only, unless asked.
  process.env.LOG_LEVEL ??= "warn";
  const { adaptiveSetup, runAdaptive } = await import("./rehearsal/adaptive");
  // `--in-process`: the same rules, run by the app's "your settings" strategy, to set beside the real app.
  const inProcess = args.inProcess
    ? withCost(simulateSettings(expanded, buyers, adaptiveSetup(expanded), { progress, clock }), weights)
    : null;
  const run = await runAdaptive(expanded, buyers, {
    // The process id too: two rehearsals started in the same second must not share a database.
    databaseFile: path.join("rehearsals", `${fileStamp}-${process.pid}.sqlite`),
    speed: args.speed,
    progress,
    onReady: ({ url, shop, apiKey, secret }) => {
      const token = dashboardToken(shop, apiKey, secret, 3_600);
      const host = Buffer.from(`admin.shopify.com/store/${shop.replace(".myshopify.com", "")}`).toString("base64url");
      console.log(
        `  dashboard (valid 1 h, open while it runs${args.keepOpen ? " and after" : ""}): ${url}/app?embedded=1&shop=${shop}&host=${host}&id_token=${token}`,
      );
    },
  });
  try {
    const adaptive = withCost(run.result, weights);
    const results = { native, static: fixed, adaptive, oracle };
    const outages = (["meta", "google"] as const).flatMap((channel) =>
      scenario.channels[channel].outages.map((outage) => ({ channel, atHour: outage.atHour, minutes: outage.minutes })),
    );
    const checkout = { meta: scenario.channels.meta.checkout, google: scenario.channels.google.checkout };
    const report: RehearsalReport = {
      scenario: {
        name: scenario.name,
        description: scenario.description,
        family: expanded.family,
        variants: expanded.variants.length,
        orders: buyers.length,
        durationHours: scenario.durationHours,
        stepSeconds: scenario.stepSeconds,
        checkout,
        outages,
      },
      seed: args.seed,
      generatedBy: "npm run rehearse",
      wallMs: Math.round(performance.now() - wallStart),
      costWeights: weights,
      cheapest: cheapestStrategy(results),
      adaptiveOverOracle: {
        withheldUnits: oracleMultiple(adaptive.withheldUnits, oracle.withheldUnits),
        failedCheckouts: oracleMultiple(adaptive.failedCheckoutBuyers, oracle.failedCheckoutBuyers),
      },
      outageFloors: floors,
      goal: evaluateGoal({ family: expanded.family, checkout, outages, floors, ...results }),
      ...results,
      ...(inProcess ? { settings: inProcess } : {}),
    };
    const table = summaryTable(report);
    mkdirSync(path.dirname(path.resolve(jsonPath)), { recursive: true });
    writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(htmlPath, htmlReport(report, table));
    console.log(`\n${table}\n`);
    for (const note of run.result.notes) console.log(`  adaptive: ${note}`);
    for (const line of summaryLines(report)) console.log(line);
    console.log(`goal (${report.goal.family} family, issue 19):\n${goalText(report.goal)}`);
    console.log(`JSON report: ${jsonPath}`);
    console.log(`HTML report: ${pathToFileURL(path.resolve(htmlPath)).href}`);
    console.log(`total wall time: ${(report.wallMs / 1000).toFixed(1)} s`);
    if (args.keepOpen) {
      console.log(`the app stays up at ${run.app.url} (Ctrl-C to stop)`);
      await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
    }
  } finally {
    await run.close();
  }
}

main().catch((error: unknown) => {
  // A bad option or scenario: the message says what to fix; no stack.
  if (error instanceof UsageError) {
    console.error(`rehearse: ${error.message}`);
    process.exit(2);
  }
  // fetch's "fetch failed" says why only in its cause.
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : "";
  console.error(error instanceof Error ? `${error.message}${cause}\n${error.stack ?? ""}` : error);
  process.exit(1);
});
