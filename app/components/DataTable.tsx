import { useEffect, useRef } from "react";
import { DataTable as PolarisDataTable, type DataTableProps } from "@shopify/polaris";

/**
 * Polaris DataTable whose horizontal scroll container can be reached by keyboard: a
 * region that scrolls must be focusable (WCAG 2.1.1, axe "scrollable-region-focusable"),
 * and Polaris renders it without a tab stop.
 */
export function DataTable({ label, ...props }: DataTableProps & { label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    for (const element of ref.current?.querySelectorAll<HTMLElement>(".Polaris-DataTable__ScrollContainer") ?? []) {
      element.tabIndex = 0;
      element.setAttribute("role", "region");
      element.setAttribute("aria-label", label);
    }
  });
  return (
    <div ref={ref}>
      <PolarisDataTable {...props} />
    </div>
  );
}
