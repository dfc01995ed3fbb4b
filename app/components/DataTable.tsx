import { useEffect, useRef } from "react";
import { DataTable as PolarisDataTable, type DataTableProps } from "@shopify/polaris";

/** Polaris keeps every cell on one line, so long text widens the table past its card: cells wrap here. */
const WRAP = { whiteSpace: "normal", overflowWrap: "anywhere" } as const;

/**
 * Polaris DataTable whose cells wrap (the table fits its card) and whose horizontal scroll
 * container, still there for narrow screens, can be reached by keyboard: a region that
 * scrolls must be focusable (WCAG 2.1.1, axe "scrollable-region-focusable"), and Polaris
 * renders it without a tab stop.
 */
export function DataTable({ label, rows, ...props }: DataTableProps & { label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    for (const element of ref.current?.querySelectorAll<HTMLElement>(".Polaris-DataTable__ScrollContainer") ?? []) {
      element.tabIndex = 0;
      element.setAttribute("role", "region");
      element.setAttribute("aria-label", label);
    }
  });
  const wrapped = rows.map((row) =>
    row.map((cell, index) =>
      typeof cell === "number" ? (
        cell
      ) : (
        <span key={index} style={WRAP}>
          {cell}
        </span>
      ),
    ),
  );
  return (
    <div ref={ref}>
      <PolarisDataTable {...props} rows={wrapped} />
    </div>
  );
}
