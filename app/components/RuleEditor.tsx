import { useId } from "react";
import { BlockStack, Button, Checkbox, FormLayout, InlineStack, Text, TextField } from "@shopify/polaris";
import type { FieldError, RuleDraft } from "~/web/buffer-form";
import { useT } from "~/i18n/react";

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
  const t = useT();
  const uid = useId();
  const errorFor = (field: string): string | undefined => {
    const found = errors.filter((error) => error.field === field);
    return found.length ? found.map((error) => t(error.key, error.values)).join(" ") : undefined;
  };
  const set = (patch: Partial<RuleDraft>) => onChange({ ...draft, ...patch });
  const setTier = (index: number, patch: Partial<RuleDraft["tiers"][number]>) =>
    set({ tiers: draft.tiers.map((tier, position) => (position === index ? { ...tier, ...patch } : tier)) });
  const id = (name: string) => `${idPrefix}-${name}-${uid}`;

  return (
    <BlockStack gap="300">
      <FormLayout>
        <FormLayout.Group condensed>
          <TextField
            id={id("fixed")}
            label={t("buffers.field.fixed")}
            helpText={t("buffers.help.fixed")}
            value={draft.fixedUnits}
            onChange={(value) => set({ fixedUnits: value })}
            error={errorFor("fixedUnits")}
            autoComplete="off"
            inputMode="numeric"
          />
          <TextField
            id={id("percent")}
            label={t("buffers.field.percent")}
            helpText={t("buffers.help.percent")}
            value={draft.percent}
            onChange={(value) => set({ percent: value })}
            error={errorFor("percent")}
            autoComplete="off"
            suffix="%"
            inputMode="decimal"
          />
        </FormLayout.Group>
        <FormLayout.Group condensed>
          <TextField
            id={id("floor")}
            label={t("buffers.field.floor")}
            helpText={t("buffers.help.floor")}
            value={draft.floor}
            onChange={(value) => set({ floor: value })}
            error={errorFor("floor")}
            autoComplete="off"
            inputMode="numeric"
          />
          <TextField
            id={id("cap")}
            label={t("buffers.field.cap")}
            helpText={t("buffers.help.cap")}
            value={draft.cap}
            onChange={(value) => set({ cap: value })}
            error={errorFor("cap")}
            autoComplete="off"
            inputMode="numeric"
          />
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
              <TextField
                id={id("confidence")}
                label={t("buffers.field.confidence")}
                value={draft.confidence}
                onChange={(value) => set({ confidence: value })}
                error={errorFor("confidence")}
                autoComplete="off"
                suffix="%"
                inputMode="decimal"
              />
            </div>
          ) : null}
        </InlineStack>
      </FormLayout>
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
            <Button onClick={() => set({ tiers: draft.tiers.filter((_, position) => position !== index) })} accessibilityLabel={t("buffers.removeTier", { n: index + 1 })}>
              {t("buffers.remove")}
            </Button>
          </InlineStack>
        ))}
        <div>
          <Button onClick={() => set({ tiers: [...draft.tiers, { atOrBelow: "", hold: "" }] })} disabled={draft.tiers.length >= 20}>
            {t("buffers.addTier")}
          </Button>
        </div>
      </BlockStack>
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
