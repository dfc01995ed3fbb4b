import { Tooltip } from "@shopify/polaris";

/** A label whose definition shows on hover and keyboard focus: every number on screen can be explained. */
export function Explained({ label, help }: { label: string; help: string }) {
  return (
    <Tooltip content={help} dismissOnMouseOut>
      <span style={{ borderBottom: "1px dotted currentColor", cursor: "help" }} tabIndex={0}>
        {label}
      </span>
    </Tooltip>
  );
}
