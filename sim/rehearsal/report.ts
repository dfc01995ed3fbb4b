/**
 * Rehearsal output: the goal lines of the scenario's family (issue 19), the terminal
 * table, the JSON report and a self-contained HTML report whose charts are inline SVG
 * drawn here (no CDN, no script: opens offline).
 */
import type { CostBreakdown, StrategyId as AnyStrategyId, StrategyResult, TimelinePoint } from "~/rehearsal/metrics";
import type { OutageFloor } from "~/rehearsal/oracle";
import type { Checkout, CostWeights, LagChannel, ScenarioFamily } from "~/rehearsal/scenario";

/** The strategies of `npm run rehearse` (the app's "your settings" is not among them). */
type StrategyId = Exclude<AnyStrategyId, "settings">;

export interface GoalLine {
  text: string;
  /** "n/a" when the line has nothing to judge (native never oversold, say). */
  status: "met" | "not met" | "n/a";
  detail: string;
}

export interface GoalReport {
  family: ScenarioFamily;
  lines: GoalLine[];
}

/** A multiple of the oracle's figure; null when the oracle's is 0 (then `excess` says how far). */
export interface OracleMultiple {
  adaptive: number;
  oracle: number;
  multiple: number | null;
  excess: number;
}

export interface RehearsalReport {
  scenario: {
    name: string;
    description: string;
    family: ScenarioFamily;
    variants: number;
    orders: number;
    durationHours: number;
    stepSeconds: number;
    checkout: Record<LagChannel, Checkout>;
    outages: { channel: LagChannel; atHour: number; minutes: number }[];
  };
  seed: number;
  generatedBy: string;
  wallMs: number;
  costWeights: CostWeights;
  /** The real strategy (native, static, adaptive) that cost least; the oracle is the floor beside them. */
  cheapest: Exclude<StrategyId, "oracle">;
  adaptiveOverOracle: { withheldUnits: OracleMultiple; failedCheckouts: OracleMultiple };
  /** Outage family: the physical floor of each outage (oracle.ts `outageFloors`). */
  outageFloors: OutageFloor[];
  goal: GoalReport;
  native: StrategyResult;
  static: StrategyResult;
  adaptive: StrategyResult;
  oracle: StrategyResult;
  /**
   * `--in-process`: the adaptive rules run by the app's in-process "your settings" strategy
   * (app/rehearsal/settings-strategy.ts) on the same day, beside the real app over HTTP.
   */
  settings?: StrategyResult;
}

export const STRATEGY_LABEL: Record<AnyStrategyId, string> = {
  native: "Native sync",
  static: "Static tiers",
  adaptive: "Ballast adaptive",
  settings: "Adaptive, in-process",
  oracle: "Oracle (limit)",
};
const ORDER: StrategyId[] = ["native", "static", "adaptive", "oracle"];
const REAL: Exclude<StrategyId, "oracle">[] = ["native", "static", "adaptive"];
const CHANNEL_LABEL: Record<string, string> = { online_store: "Online Store", meta: "Meta", google: "Google" };

export function oracleMultiple(adaptive: number, oracle: number): OracleMultiple {
  return {
    adaptive,
    oracle,
    multiple: oracle > 0 ? Math.round((adaptive / oracle) * 100) / 100 : null,
    excess: adaptive - oracle,
  };
}

export function formatMultiple(value: OracleMultiple): string {
  if (value.multiple !== null) return `${value.multiple.toFixed(2)}× (${value.adaptive} against ${value.oracle})`;
  return value.adaptive === 0 ? "1× (both 0)" : `∞ (oracle 0, adaptive ${value.adaptive})`;
}

/** The real strategy with the lowest money total. */
export function cheapestStrategy(results: Record<StrategyId, StrategyResult>): Exclude<StrategyId, "oracle"> {
  return REAL.reduce((best, id) =>
    (results[id].cost?.total ?? Infinity) < (results[best].cost?.total ?? Infinity) ? id : best,
  );
}

export interface GoalInput {
  family: ScenarioFamily;
  checkout: Record<LagChannel, Checkout>;
  outages: { channel: LagChannel; atHour: number; minutes: number }[];
  floors: OutageFloor[];
  native: StrategyResult;
  static: StrategyResult;
  adaptive: StrategyResult;
  oracle: StrategyResult;
}

const judged = (met: boolean): GoalLine["status"] => (met ? "met" : "not met");

/** At most a fraction of native's figure; n/a when both are 0. */
function fractionLine(text: string, adaptive: number, reference: number, fraction: number, label: string): GoalLine {
  const detail = `adaptive ${adaptive}, ${label} ${reference}`;
  if (reference === 0 && adaptive === 0) return { text, status: "n/a", detail: `${detail}: nothing to compare` };
  return { text, status: judged(adaptive <= reference * fraction), detail };
}

function surgeLines(input: GoalInput): GoalLine[] {
  const { native, adaptive, checkout } = input;
  const lines: GoalLine[] = [];
  const channels = (["meta", "google"] as const).filter((channel) => checkout[channel] === "channel");
  if (channels.length > 0) {
    const text = `checkout on the channel (${channels.map((channel) => CHANNEL_LABEL[channel]).join(", ")}): adaptive oversold 0 where native oversells`;
    lines.push(
      native.oversoldUnits === 0 && adaptive.oversoldUnits === 0
        ? { text, status: "n/a", detail: "native oversold none, nor did adaptive" }
        : {
            text,
            status: judged(adaptive.oversoldUnits === 0),
            detail: `adaptive ${adaptive.oversoldUnits}, native ${native.oversoldUnits}`,
          },
    );
  }
  const stores = (["meta", "google"] as const).filter((channel) => checkout[channel] === "store");
  if (stores.length > 0)
    lines.push(
      fractionLine(
        `checkout on the store (${stores.map((channel) => CHANNEL_LABEL[channel]).join(", ")}): failed checkouts ≤ 1/3 of native`,
        adaptive.failedCheckoutBuyers,
        native.failedCheckoutBuyers,
        1 / 3,
        "native",
      ),
    );
  lines.push(
    fractionLine("withheld ≤ 1/3 of static", adaptive.withheldUnits, input.static.withheldUnits, 1 / 3, "static"),
  );
  return lines;
}

function outageLines(input: GoalInput): GoalLine[] {
  const { native, adaptive } = input;
  const lines: GoalLine[] = [];
  const events = adaptive.alerts.events ?? [];
  for (const outage of input.outages) {
    const first = events.find(
      (event) =>
        (event.channel === outage.channel || event.channel === null) &&
        event.atHour >= outage.atHour &&
        event.atHour <= outage.atHour + 0.25,
    );
    lines.push({
      text: `an alert within 15 simulated minutes of the ${CHANNEL_LABEL[outage.channel]} outage at hour ${outage.atHour}`,
      status: judged(first !== undefined),
      detail: first
        ? `${first.kind} at hour ${first.atHour} (${Math.round((first.atHour - outage.atHour) * 60)} min after the start)`
        : `no alert on ${CHANNEL_LABEL[outage.channel]} between hour ${outage.atHour} and ${outage.atHour + 0.25}`,
    });
  }
  const stalled = new Set(input.outages.map((outage) => outage.channel));
  const others = (["online_store", "meta", "google"] as const).filter(
    (channel) => channel === "online_store" || !stalled.has(channel),
  );
  const unprotected = others.filter(
    (channel) =>
      adaptive.oversoldByChannel[channel] > 0 ||
      adaptive.failedCheckoutByChannel[channel] > native.failedCheckoutByChannel[channel],
  );
  lines.push({
    text: "every other channel protected (none oversold, no more failed checkouts than native)",
    status: judged(unprotected.length === 0),
    detail: others
      .map(
        (channel) =>
          `${CHANNEL_LABEL[channel]}: oversold ${adaptive.oversoldByChannel[channel]}, failed ${adaptive.failedCheckoutByChannel[channel]} (native ${native.failedCheckoutByChannel[channel]})`,
      )
      .join("; "),
  });
  lines.push(fractionLine("oversold ≤ 1/4 of native", adaptive.oversoldUnits, native.oversoldUnits, 1 / 4, "native"));
  for (const floor of input.floors)
    lines.push({
      text: `physical floor of the ${CHANNEL_LABEL[floor.channel]} outage at hour ${floor.atHour} (${floor.minutes} min): ${floor.floorUnits} units`,
      status: "n/a",
      detail: `units wanted on ${CHANNEL_LABEL[floor.channel]} during the outage beyond what the shop still had at its start, ${floor.stalledDemandUnits} wanted there in all: sold beyond stock if the channel kept offering them, whatever it was shown; only showing less before the outage avoids them. Over the whole run ${CHANNEL_LABEL[floor.channel]} oversold: adaptive ${adaptive.oversoldByChannel[floor.channel]}, native ${native.oversoldByChannel[floor.channel]}, the oracle ${input.oracle.oversoldByChannel[floor.channel]}`,
    });
  return lines;
}

/** The goal lines of the scenario's family (issue 19 "Done when"), plus adaptive ÷ oracle on withheld units. */
export function evaluateGoal(input: GoalInput): GoalReport {
  const lines = input.family === "outage" ? outageLines(input) : surgeLines(input);
  const withheld = oracleMultiple(input.adaptive.withheldUnits, input.oracle.withheldUnits);
  lines.push({
    text: "adaptive ÷ oracle on withheld units ≤ 2 (the aim)",
    status: withheld.multiple === null ? judged(withheld.adaptive === 0) : judged(withheld.multiple <= 2),
    detail: formatMultiple(withheld),
  });
  return { family: input.family, lines };
}

export function goalText(goal: GoalReport): string {
  return goal.lines
    .map(
      (line) =>
        `  ${line.status === "met" ? "✓" : line.status === "n/a" ? "·" : "✗"} ${line.text}: ${line.status === "not met" ? "NOT met" : line.status} (${line.detail})`,
    )
    .join("\n");
}

const money = (value: number) => value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const minutes = (value: number) => Math.round(value).toLocaleString("en-US");
const costCell = (pick: (cost: CostBreakdown) => number) => (r: StrategyResult) =>
  r.cost ? money(pick(r.cost)) : "n/a";

export function summaryTable(report: RehearsalReport): string {
  const rows: [string, (result: StrategyResult) => string][] = [
    ["run", (r) => (r.mode === "http" ? "real app, HTTP" : "in-process")],
    ["units wanted", (r) => String(r.demandUnits)],
    ["units sold", (r) => String(r.soldUnits)],
    ["oversold units", (r) => String(r.oversoldUnits)],
    ["oversold value", (r) => money(r.oversoldValue)],
    ["failed checkouts (buyers)", (r) => String(r.failedCheckoutBuyers)],
    ["failed checkouts (units)", (r) => String(r.failedCheckoutUnits)],
    ["withheld units", (r) => String(r.withheldUnits)],
    ["withheld value", (r) => money(r.withheldValue)],
    ["  of which never sold (lost sales)", (r) => String(r.lostSalesUnits)],
    [
      "  withheld OS/Meta/Google",
      (r) => `${r.withheldByChannel.online_store}/${r.withheldByChannel.meta}/${r.withheldByChannel.google}`,
    ],
    [
      "advertised sold out, item-min Meta/Google",
      (r) => `${minutes(r.advertisedSoldOutItemMinutes.meta)}/${minutes(r.advertisedSoldOutItemMinutes.google)}`,
    ],
    [
      "lost exposure, item-min OS/Meta/Google",
      (r) =>
        `${minutes(r.lostExposureItemMinutes.online_store)}/${minutes(r.lostExposureItemMinutes.meta)}/${minutes(r.lostExposureItemMinutes.google)}`,
    ],
    ["max drift (items)", (r) => String(r.maxDriftItems)],
    ["p95 drift (items)", (r) => String(r.p95DriftItems)],
    ["alerts", (r) => (r.mode === "http" ? String(r.alerts.total) : "n/a")],
    ["pushes OS/Meta/Google", (r) => `${r.pushes.online_store}/${r.pushes.meta}/${r.pushes.google}`],
    ["API calls OS/Meta/Google", (r) => `${r.apiCalls.online_store}/${r.apiCalls.meta}/${r.apiCalls.google}`],
    [
      "Shopify token refreshes / 401s",
      (r) => (r.shopify ? `${r.shopify.tokenRefreshes}/${r.shopify.authFailures}` : "n/a"),
    ],
    ["cost: oversold", costCell((cost) => cost.oversold)],
    ["cost: withheld", costCell((cost) => cost.withheld)],
    ["cost: failed checkouts", costCell((cost) => cost.failedCheckouts)],
    ["cost: advertised sold out", costCell((cost) => cost.advertisedSoldOut)],
    ["cost: lost exposure", costCell((cost) => cost.lostExposure)],
    ["cost: API calls", costCell((cost) => cost.apiCalls)],
    ["COST TOTAL", costCell((cost) => cost.total)],
    ["wall time", (r) => `${(r.wallMs / 1000).toFixed(1)} s`],
  ];
  const columns = [...ORDER.map((id) => report[id]), ...(report.settings ? [report.settings] : [])];
  const header = ["", ...columns.map((result) => STRATEGY_LABEL[result.strategy])];
  const body = rows.map(([label, cell]) => [label, ...columns.map((result) => cell(result))]);
  const widths = header.map((_, column) => Math.max(...[header, ...body].map((row) => row[column]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join("  ");
  return [line(header), widths.map((width) => "─".repeat(width)).join("  "), ...body.map(line)].join("\n");
}

/** The lines under the table: who cost least, adaptive against the oracle. */
export function summaryLines(report: RehearsalReport): string[] {
  const cheapest = report[report.cheapest];
  return [
    `cost least: ${STRATEGY_LABEL[report.cheapest]} (${money(cheapest.cost?.total ?? 0)}; the oracle, which never oversells nor fails a checkout, ${money(report.oracle.cost?.total ?? 0)})`,
    `adaptive ÷ oracle: withheld units ${formatMultiple(report.adaptiveOverOracle.withheldUnits)}; failed checkouts ${formatMultiple(report.adaptiveOverOracle.failedCheckouts)}`,
  ];
}

// ── HTML ────────────────────────────────────────────────────────────────────────────
const escape = (text: string) =>
  text.replace(/[&<>"]/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[char]!);
const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"];

interface Series {
  label: string;
  points: { x: number; y: number }[];
}

/** A line chart as inline SVG. */
export function lineChart(
  title: string,
  series: Series[],
  options: { yLabel?: string; width?: number; height?: number } = {},
): string {
  const width = options.width ?? 460;
  const height = options.height ?? 240;
  const margin = { top: 28, right: 12, bottom: 34, left: 56 };
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const ys = series.flatMap((s) => s.points.map((p) => p.y));
  const xMin = Math.min(...xs, 0);
  const xMax = Math.max(...xs, 1);
  const yMax = Math.max(...ys, 1) * 1.05;
  const x = (value: number) =>
    margin.left + ((value - xMin) / (xMax - xMin || 1)) * (width - margin.left - margin.right);
  const y = (value: number) => height - margin.bottom - (value / yMax) * (height - margin.top - margin.bottom);
  const ticks = 4;
  const grid = Array.from({ length: ticks + 1 }, (_, index) => {
    const value = (yMax / ticks) * index;
    return `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="#eee"/><text x="${margin.left - 6}" y="${(y(value) + 4).toFixed(1)}" text-anchor="end" font-size="10">${Math.round(value).toLocaleString("en-US")}</text>`;
  }).join("");
  const xTicks = Array.from({ length: 7 }, (_, index) => {
    const value = xMin + ((xMax - xMin) / 6) * index;
    return `<text x="${x(value).toFixed(1)}" y="${height - margin.bottom + 14}" text-anchor="middle" font-size="10">${value.toFixed(0)}h</text>`;
  }).join("");
  const lines = series
    .map((s, index) => {
      const d = s.points.map((p, i) => `${i === 0 ? "M" : "L"}${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join("");
      return `<path d="${d}" fill="none" stroke="${COLORS[index % COLORS.length]}" stroke-width="1.6"/>`;
    })
    .join("");
  const legend = series
    .map(
      (s, index) =>
        `<rect x="${margin.left + index * 100}" y="${height - 12}" width="10" height="3" fill="${COLORS[index % COLORS.length]}"/><text x="${margin.left + index * 100 + 14}" y="${height - 8}" font-size="10">${escape(s.label)}</text>`,
    )
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escape(title)}"><text x="${margin.left}" y="16" font-size="12" font-weight="600">${escape(title)}</text>${grid}${xTicks}${lines}${legend}${options.yLabel ? `<text x="12" y="${margin.top - 6}" font-size="10">${escape(options.yLabel)}</text>` : ""}</svg>`;
}

const pointsOf = (timeline: TimelinePoint[], pick: (point: TimelinePoint) => number) =>
  timeline.map((point) => ({ x: point.hour, y: pick(point) }));

/** Every oversell (the first 100), item by item: what the channel showed against what the master could sell. */
function oversellTable(result: StrategyResult): string {
  if (result.oversells.length === 0) return "";
  const rows = result.oversells
    .map(
      (event) =>
        `<tr><td>${event.hour.toFixed(2)} h</td><td>${escape(event.channel)}</td><td>${escape(event.sku)}</td><td>${event.units}</td><td>${event.shown}</td><td>${event.sellable}</td></tr>`,
    )
    .join("");
  const more =
    result.oversoldUnits > result.oversells.reduce((sum, event) => sum + event.units, 0)
      ? "<p>(first 100 shown)</p>"
      : "";
  return `<table><caption>Oversells</caption><thead><tr><th>at</th><th>channel</th><th>SKU</th><th>units oversold</th><th>channel showed</th><th>master could sell</th></tr></thead><tbody>${rows}</tbody></table>${more}`;
}

/** The money figure per strategy, part by part, with the weights used. */
function costTable(report: RehearsalReport): string {
  const parts: [string, keyof CostBreakdown][] = [
    ["oversold", "oversold"],
    ["withheld", "withheld"],
    ["failed checkouts", "failedCheckouts"],
    ["advertised while sold out", "advertisedSoldOut"],
    ["lost exposure", "lostExposure"],
    ["API calls", "apiCalls"],
    ["total", "total"],
  ];
  const head = `<tr><th></th>${ORDER.map((id) => `<th>${STRATEGY_LABEL[id]}</th>`).join("")}</tr>`;
  const rows = parts
    .map(
      ([label, key]) =>
        `<tr><td>${label}</td>${ORDER.map((id) => `<td>${report[id].cost ? money(report[id].cost[key]) : "n/a"}</td>`).join("")}</tr>`,
    )
    .join("");
  const weights = report.costWeights;
  const note = `Weights: an oversold unit ${weights.oversoldUnit.priceShare}× its price + ${money(weights.oversoldUnit.fixed)}; a withheld unit ${weights.withheldUnit.priceShare}× its price + ${money(weights.withheldUnit.fixed)}; a failed checkout ${money(weights.failedCheckout.fixed)} per buyer + ${weights.failedCheckout.priceShare}× the units' value; ${weights.advertisedSoldOutItemMinute} per item-minute advertised while sold out; ${weights.lostExposureItemMinute} per item-minute hidden while sellable; ${weights.apiCall} per API call (docs/rehearsal.md, "Cost weights").`;
  const floors = report.outageFloors.length
    ? `<p>${report.outageFloors.map((floor) => escape(`Physical floor of the ${CHANNEL_LABEL[floor.channel]} outage at hour ${floor.atHour} (${floor.minutes} min): ${floor.floorUnits} units wanted there beyond what the shop still had at its start (${floor.stalledDemandUnits} wanted during the outage).`)).join("<br>")}</p>`
    : "";
  return `<table><caption>Cost to the merchant</caption><thead>${head}</thead><tbody>${rows}</tbody></table><p><small>${escape(note)}</small></p>${floors}`;
}

export function htmlReport(report: RehearsalReport, terminalTable: string): string {
  const strategies = [...ORDER.map((id) => report[id]), ...(report.settings ? [report.settings] : [])];
  const perStrategy = strategies
    .map((result) => {
      const charts = [
        lineChart(
          `${STRATEGY_LABEL[result.strategy]}: stock and what channels show`,
          [
            { label: "master sellable", points: pointsOf(result.timeline, (p) => p.stock) },
            { label: "Online Store", points: pointsOf(result.timeline, (p) => p.shown.online_store) },
            { label: "Meta", points: pointsOf(result.timeline, (p) => p.shown.meta) },
          ],
          { yLabel: "units" },
        ),
        lineChart(
          `${STRATEGY_LABEL[result.strategy]}: Google offers in stock`,
          [{ label: "in stock on Google", points: pointsOf(result.timeline, (p) => p.shown.google) }],
          { yLabel: "offers" },
        ),
      ];
      return `<section><h2>${STRATEGY_LABEL[result.strategy]} <small>(${result.mode === "http" ? "the real app over HTTP" : "simulated in-process"})</small></h2>${charts.join("")}<ul>${result.notes.map((note) => `<li>${escape(note)}</li>`).join("")}</ul>${oversellTable(result)}${
        result.mode === "http" && result.alerts.total > 0
          ? `<p>Alerts: ${Object.entries(result.alerts.byKind)
              .map(([kind, entry]) => `${escape(kind)} × ${entry.count} (first at ${entry.firstAtHour} h)`)
              .join(", ")}</p>`
          : ""
      }</section>`;
    })
    .join("");
  const comparison = [
    lineChart(
      "Oversold units (cumulative)",
      strategies.map((r) => ({
        label: STRATEGY_LABEL[r.strategy],
        points: pointsOf(r.timeline, (p) => p.oversoldUnits),
      })),
      { yLabel: "units" },
    ),
    lineChart(
      "Withheld units (cumulative)",
      strategies.map((r) => ({
        label: STRATEGY_LABEL[r.strategy],
        points: pointsOf(r.timeline, (p) => p.withheldUnits),
      })),
      { yLabel: "units" },
    ),
    lineChart(
      "Failed checkouts (cumulative units)",
      strategies.map((r) => ({
        label: STRATEGY_LABEL[r.strategy],
        points: pointsOf(r.timeline, (p) => p.failedCheckoutUnits),
      })),
      { yLabel: "units" },
    ),
  ].join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Ballast rehearsal: ${escape(report.scenario.name)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#202223;max-width:1500px}pre{background:#f6f6f7;padding:12px;overflow:auto}svg{margin:6px 12px 6px 0;border:1px solid #e1e3e5;background:#fff}h2 small{font-weight:400;color:#6d7175}.ok{color:#008060}.no{color:#d72c0d}.na{color:#6d7175}table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #e1e3e5;padding:2px 8px;text-align:right}caption{text-align:left;font-weight:600}</style></head><body>
<h1>Peak rehearsal: ${escape(report.scenario.name)}</h1>
<p>${escape(report.scenario.description)}</p>
<p>${report.scenario.variants} variants, ${report.scenario.orders.toLocaleString("en-US")} orders over ${report.scenario.durationHours} simulated hours, seed ${report.seed}; checkout: Meta on the ${report.scenario.checkout.meta === "channel" ? "channel" : "store"}, Google on the ${report.scenario.checkout.google === "channel" ? "channel" : "store"}; family: ${escape(report.scenario.family)}; wall time ${(report.wallMs / 1000).toFixed(1)} s.</p>
<h2>Goal (issue 19, ${escape(report.goal.family)} family)</h2>
<ul>${report.goal.lines.map((line) => `<li>${escape(line.text)}: <b class="${line.status === "met" ? "ok" : line.status === "n/a" ? "na" : "no"}">${line.status}</b> <small>(${escape(line.detail)})</small></li>`).join("")}</ul>
<p>${summaryLines(report).map(escape).join("<br>")}</p>
${costTable(report)}
<pre>${escape(terminalTable)}</pre>
<h2>Side by side</h2>${comparison}
${perStrategy}
</body></html>`;
}
