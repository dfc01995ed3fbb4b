/**
 * Rehearsal output: the terminal table, the JSON report and a self-contained HTML
 * report whose charts are inline SVG drawn here (no CDN, no script: opens offline).
 */
import type { StrategyId, StrategyResult, TimelinePoint } from "./metrics";

export interface RehearsalReport {
  scenario: {
    name: string;
    description: string;
    variants: number;
    orders: number;
    durationHours: number;
    stepSeconds: number;
  };
  seed: number;
  generatedBy: string;
  wallMs: number;
  goal: { adaptiveOversoldZeroWhereNativeOversells: boolean; adaptiveWithheldAtMostThirdOfStatic: boolean };
  native: StrategyResult;
  static: StrategyResult;
  adaptive: StrategyResult;
}

export const STRATEGY_LABEL: Record<StrategyId, string> = {
  native: "Native sync",
  static: "Static tiers",
  adaptive: "Ballast adaptive",
};
const ORDER: StrategyId[] = ["native", "static", "adaptive"];

export function evaluateGoal(
  native: StrategyResult,
  fixed: StrategyResult,
  adaptive: StrategyResult,
): RehearsalReport["goal"] {
  return {
    adaptiveOversoldZeroWhereNativeOversells: native.oversoldUnits > 0 && adaptive.oversoldUnits === 0,
    adaptiveWithheldAtMostThirdOfStatic: adaptive.withheldUnits * 3 <= fixed.withheldUnits,
  };
}

const money = (value: number) => value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function summaryTable(report: RehearsalReport): string {
  const rows: [string, (result: StrategyResult) => string][] = [
    ["run", (r) => (r.mode === "http" ? "real app, HTTP" : "in-process")],
    ["units wanted", (r) => String(r.demandUnits)],
    ["units sold", (r) => String(r.soldUnits)],
    ["oversold units", (r) => String(r.oversoldUnits)],
    ["oversold value", (r) => money(r.oversoldValue)],
    ["failed checkouts (units)", (r) => String(r.failedCheckoutUnits)],
    ["withheld units", (r) => String(r.withheldUnits)],
    ["withheld value", (r) => money(r.withheldValue)],
    [
      "  withheld OS/Meta/Google",
      (r) => `${r.withheldByChannel.online_store}/${r.withheldByChannel.meta}/${r.withheldByChannel.google}`,
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
    ["wall time", (r) => `${(r.wallMs / 1000).toFixed(1)} s`],
  ];
  const header = ["", ...ORDER.map((id) => STRATEGY_LABEL[id])];
  const body = rows.map(([label, cell]) => [label, ...ORDER.map((id) => cell(report[id]))]);
  const widths = header.map((_, column) => Math.max(...[header, ...body].map((row) => row[column]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join("  ");
  return [line(header), widths.map((width) => "─".repeat(width)).join("  "), ...body.map(line)].join("\n");
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
        `<rect x="${margin.left + index * 120}" y="${height - 12}" width="10" height="3" fill="${COLORS[index % COLORS.length]}"/><text x="${margin.left + index * 120 + 14}" y="${height - 8}" font-size="10">${escape(s.label)}</text>`,
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

export function htmlReport(report: RehearsalReport, terminalTable: string): string {
  const strategies = ORDER.map((id) => report[id]);
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
<style>body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#202223;max-width:1500px}pre{background:#f6f6f7;padding:12px;overflow:auto}svg{margin:6px 12px 6px 0;border:1px solid #e1e3e5;background:#fff}h2 small{font-weight:400;color:#6d7175}.ok{color:#008060}.no{color:#d72c0d}table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #e1e3e5;padding:2px 8px;text-align:right}caption{text-align:left;font-weight:600}</style></head><body>
<h1>Peak rehearsal: ${escape(report.scenario.name)}</h1>
<p>${escape(report.scenario.description)}</p>
<p>${report.scenario.variants} variants, ${report.scenario.orders.toLocaleString("en-US")} orders over ${report.scenario.durationHours} simulated hours, seed ${report.seed}; wall time ${(report.wallMs / 1000).toFixed(1)} s.</p>
<p>Goal: adaptive oversells 0 where native oversells — <b class="${report.goal.adaptiveOversoldZeroWhereNativeOversells ? "ok" : "no"}">${report.goal.adaptiveOversoldZeroWhereNativeOversells ? "met" : "not met"}</b>; adaptive withholds ≤ ⅓ of static — <b class="${report.goal.adaptiveWithheldAtMostThirdOfStatic ? "ok" : "no"}">${report.goal.adaptiveWithheldAtMostThirdOfStatic ? "met" : "not met"}</b>.</p>
<pre>${escape(terminalTable)}</pre>
<h2>Side by side</h2>${comparison}
${perStrategy}
</body></html>`;
}
