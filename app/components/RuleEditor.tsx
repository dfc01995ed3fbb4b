import { useId } from "react";
import { BlockStack, Button, Checkbox, FormLayout, InlineStack, Text, TextField } from "@shopify/polaris";
import type { FieldError, RuleDraft } from "~/web/buffer-form";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/react";
import { useFieldErrorText } from "./field-errors";

/** What the rule's parts share: the draft, its change, its errors by field, and unique element ids. */
interface RulePart {
  draft: RuleDraft;
  set: (patch: Partial<RuleDraft>) => void;
  errorFor: (field: string) => string | undefined;
  id: (name: string) => string;
}

type AmountField = "fixedUnits" | "percent" | "floor" | "cap" | "confidence";

/** The rule's amounts: fixed units and percent held back, floor and cap, and lag-aware with its confidence. */
function AmountFields({ draft, set, errorFor, id }: RulePart) {
  const t = useT();
  const field = (
    name: AmountField,
    idName: string,
    label: MessageKey,
    options: { help?: MessageKey; percent?: boolean } = {},
  ) => (
    <TextField
      id={id(idName)}
      label={t(label)}
      helpText={options.help ? t(options.help) : undefined}
      value={draft[name]}
      onChange={(value) => set({ [name]: value })}
      error={errorFor(name)}
      autoComplete="off"
      suffix={options.percent ? "%" : undefined}
      inputMode={options.percent ? "decimal" : "numeric"}
    />
  );
  return (
    <FormLayout>
      <FormLayout.Group condensed>
        {field("fixedUnits", "fixed", "buffers.field.fixed", { help: "buffers.help.fixed" })}
        {field("percent", "percent", "buffers.field.percent", { help: "buffers.help.percent", percent: true })}
      </FormLayout.Group>
      <FormLayout.Group condensed>
        {field("floor", "floor", "buffers.field.floor", { help: "buffers.help.floor" })}
        {field("cap", "cap", "buffers.field.cap", { help: "buffers.help.cap" })}
      </FormLayout.Group>
      <InlineStack gap="400" blockAlign="start">
        <Checkbox
          id={id("lag")}
          label={t("buffers.field.lagAware")}
          helpText={t("buffers.help.lagAware")}
          checked={draft.lagAware}
          onChange={(checked) => set({ lagAware: checked })}
        />
        {draft.lagAware ? (
          <div style={{ maxWidth: 160 }}>
            {field("confidence", "confidence", "buffers.field.confidence", { percent: true })}
          </div>
        ) : null}
      </InlineStack>
    </FormLayout>
  );
}

/** Tiers: at or below so many units, hold so many (or all); up to 20. */
function TiersEditor({ draft, set, errorFor, id }: RulePart) {
  const t = useT();
  const setTier = (index: number, patch: Partial<RuleDraft["tiers"][number]>) =>
    set({ tiers: draft.tiers.map((tier, position) => (position === index ? { ...tier, ...patch } : tier)) });
  return (
    <BlockStack gap="200">
      <Text as="h4" variant="headingSm">
        {t("buffers.field.tiers")}
      </Text>
      <Text as="p" tone="subdued" variant="bodySm">
        {t("buffers.help.tiers")}
      </Text>
      {errorFor("tiers") ? (
        <Text as="p" tone="critical">
          {errorFor("tiers")}
        </Text>
      ) : null}
      {draft.tiers.map((tier, index) => (
        <InlineStack key={index} gap="200" blockAlign="end" wrap={false}>
          <TextField
            id={id(`tier-${index}-at`)}
            label={t("buffers.field.tierAtOrBelow", { n: index + 1 })}
            value={tier.atOrBelow}
            onChange={(value) => setTier(index, { atOrBelow: value })}
            error={errorFor(`tiers.${index}.atOrBelow`)}
            autoComplete="off"
            inputMode="numeric"
          />
          <TextField
            id={id(`tier-${index}-hold`)}
            label={t("buffers.field.tierHold", { n: index + 1 })}
            helpText={t("buffers.help.tierHold")}
            value={tier.hold}
            onChange={(value) => setTier(index, { hold: value })}
            error={errorFor(`tiers.${index}.hold`) ?? errorFor(`tiers.${index}`)}
            autoComplete="off"
          />
          <Button
            onClick={() => set({ tiers: draft.tiers.filter((_, position) => position !== index) })}
            accessibilityLabel={t("buffers.removeTier", { n: index + 1 })}
          >
            {t("buffers.remove")}
          </Button>
        </InlineStack>
      ))}
      <div>
        <Button
          onClick={() => set({ tiers: [...draft.tiers, { atOrBelow: "", hold: "" }] })}
          disabled={draft.tiers.length >= 20}
        >
          {t("buffers.addTier")}
        </Button>
      </div>
    </BlockStack>
  );
}

/**
 * One channel's buffer rule. Every part is optional; the largest hold wins, then floor,
 * then cap (see app/domain/rules.ts). Errors come from bufferRuleSchema, shown inline.
 */
export function RuleEditor({
  draft,
  errors,
  onChange,
  idPrefix,
}: {
  draft: RuleDraft;
  errors: FieldError[];
  onChange: (next: RuleDraft) => void;
  idPrefix: string;
}) {
  const uid = useId();
  const errorFor = useFieldErrorText(errors);
  const part: RulePart = {
    draft,
    set: (patch) => onChange({ ...draft, ...patch }),
    errorFor,
    id: (name) => `${idPrefix}-${name}-${uid}`,
  };
  return (
    <BlockStack gap="300">
      <AmountFields {...part} />
      <TiersEditor {...part} />
    </BlockStack>
  );
}

/** "fixed 2 · 25 % · 2 tiers · lag-aware 95 %" for lists. */
export function useRuleSummary() {
  const t = useT();
  return (draft: RuleDraft | undefined): string => {
    if (!draft) return t("buffers.summary.default");
    const parts: string[] = [];
    if (draft.fixedUnits) parts.push(t("buffers.summary.fixed", { n: draft.fixedUnits }));
    if (draft.percent) parts.push(t("buffers.summary.percent", { n: draft.percent }));
    if (draft.tiers.length) parts.push(t("buffers.summary.tiers", { n: draft.tiers.length }));
    if (draft.floor) parts.push(t("buffers.summary.floor", { n: draft.floor }));
    if (draft.cap) parts.push(t("buffers.summary.cap", { n: draft.cap }));
    if (draft.lagAware) parts.push(t("buffers.summary.lag", { n: draft.confidence }));
    return parts.length ? parts.join(" · ") : t("buffers.summary.none");
  };
}
