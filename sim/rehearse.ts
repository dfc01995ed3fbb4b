/**
 * `npm run rehearse [-- --scenario black-friday | --scenario path.json] [--speed N]
 *   [--json PATH] [--seed N] [--keep-open]`
 * `npm run rehearse -- --import-orders orders.csv --import-products products.csv --out scenario.json`
 *
 * Replays a peak day against three strategies on the same demand: native sync and
 * static tiers simulated in-process, Ballast adaptive with the real app over HTTP (see
 * docs/rehearsal.md). Prints progress, a summary table, and writes a JSON and an HTML
 * report under rehearsals/.
 */
import { createHmac, randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import buildOnce from "./build-once";
import { importShopifyCsv } from "./rehearsal/import-csv";
import { simulateInProcess } from "./rehearsal/inprocess";
import { evaluateGoal, htmlReport, summaryTable, type RehearsalReport } from "./rehearsal/report";
import { expandScenario, generateDemand, loadScenario } from "./rehearsal/scenario";

interface Arguments {
  scenario: string;
  seed: number;
  speed: number;
  json: string | null;
  keepOpen: boolean;
  importOrders: string | null;
  importProducts: string | null;
  out: string | null;
}

function parseArguments(argv: string[]): Arguments {
  const args: Arguments = {
    scenario: "black-friday",
    seed: 1,
    speed: 0,
    json: null,
    keepOpen: false,
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
    else if (flag === "--seed") args.seed = Number.parseInt(value(), 10);
    else if (flag === "--speed") args.speed = Number(value());
    else if (flag === "--json") args.json = value();
    else if (flag === "--keep-open") args.keepOpen = true;
    else if (flag === "--import-orders") args.importOrders = value();
    else if (flag === "--import-products") args.importProducts = value();
    else if (flag === "--out") args.out = value();
    else if (flag === "--help" || flag === "-h") {
      console.log(
        "usage: npm run rehearse [-- --scenario black-friday|path.json] [--seed N] [--speed N] [--json PATH] [--keep-open]\n       npm run rehearse -- --import-orders orders.csv --import-products products.csv --out scenario.json",
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
  const args = parseArguments(process.argv.slice(2));
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
  const scenario = loadScenario(args.scenario);
  const expanded = expandScenario(scenario, args.seed);
  const buyers = generateDemand(expanded);
  const fileStamp = stamp();
  const jsonPath = args.json ?? path.join("rehearsals", `${fileStamp}.json`);
  const htmlPath = jsonPath.replace(/\.json$/i, "") + ".html";
  console.log(
    `Ballast peak rehearsal: ${scenario.name} · ${expanded.variants.length} variants · ${buyers.length} orders over ${scenario.durationHours} h · seed ${args.seed}`,
  );

  let lastLine = 0;
  const progress = (strategy: string, fraction: number, line: string) => {
    const now = performance.now();
    if (fraction < 1 && now - lastLine < 2_000) return;
    lastLine = now;
    console.log(`  ${strategy.padEnd(8)} ${(fraction * 100).toFixed(0).padStart(3)}%  ${line}`);
  };

  const native = simulateInProcess("native", expanded, buyers, progress);
  const fixed = simulateInProcess("static", expanded, buyers, progress);

  console.log("  adaptive: building the app if needed, starting it on a fresh SQLite file with the fakes…");
  buildOnce();
  // The app's JSON logs would drown the progress lines: warnings and errors only, unless asked.
  process.env.LOG_LEVEL ??= "warn";
  const { runAdaptive } = await import("./rehearsal/adaptive");
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
    const report: RehearsalReport = {
      scenario: {
        name: scenario.name,
        description: scenario.description,
        variants: expanded.variants.length,
        orders: buyers.length,
        durationHours: scenario.durationHours,
        stepSeconds: scenario.stepSeconds,
      },
      seed: args.seed,
      generatedBy: "npm run rehearse",
      wallMs: Math.round(performance.now() - wallStart),
      goal: evaluateGoal(native, fixed, run.result),
      native,
      static: fixed,
      adaptive: run.result,
    };
    const table = summaryTable(report);
    mkdirSync(path.dirname(path.resolve(jsonPath)), { recursive: true });
    writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(htmlPath, htmlReport(report, table));
    console.log(`\n${table}\n`);
    for (const note of run.result.notes) console.log(`  adaptive: ${note}`);
    console.log(
      `goal: adaptive oversells 0 where native oversells: ${report.goal.adaptiveOversoldZeroWhereNativeOversells ? "met" : "NOT met"}; adaptive withholds ≤ 1/3 of static: ${report.goal.adaptiveWithheldAtMostThirdOfStatic ? "met" : "NOT met"}`,
    );
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
  // fetch's "fetch failed" says why only in its cause.
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : "";
  console.error(error instanceof Error ? `${error.message}${cause}\n${error.stack ?? ""}` : error);
  process.exit(1);
});
