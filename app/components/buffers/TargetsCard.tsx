import { useState } from "react";
import { useSubmit } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { BlockStack, Box, Button, ButtonGroup, Checkbox, InlineStack, Text } from "@shopify/polaris";
import { CHANNELS } from "~/domain";
import { EMPTY_DRAFT, type RulesDraft } from "~/web/buffer-form";
import type { TargetRules } from "~/web/buffers.server";
import { numericId } from "~/web/ids";
import { ConfirmAction, useCounted } from "~/components/ConfirmAction";
import { DataTable } from "~/components/DataTable";
import { RuleEditor, useRuleSummary } from "~/components/RuleEditor";
import { TitledCard } from "~/components/TitledCard";
import { channelName } from "~/components/format";
import { useLocale, useT } from "~/i18n/react";
import { channelErrors, targetDrafts, useParsedDrafts, type ServerErrors, type Target } from "./drafts";

interface TargetEditorProps {
  target: Target;
  onChange: (target: Target | null) => void;
  serverErrors: ServerErrors;
  saving: boolean;
  onSave: () => void;
}

/** A product's or collection's own rule per channel (a channel left unticked keeps the shop default). */
function TargetEditor({ target, onChange, serverErrors, saving, onSave }: TargetEditorProps) {
  const t = useT();
  const locale = useLocale();
  const parsed = useParsedDrafts(target.drafts);
  return (
    <Box padding="400" background="bg-surface-secondary" borderRadius="200">
      <BlockStack gap="300">
        <Text as="h3" variant="headingSm">
          {t(target.scope === "product" ? "buffers.editingProduct" : "buffers.editingCollection", {
            title: target.title,
          })}
        </Text>
        {CHANNELS.map((entry) => (
          <BlockStack key={entry} gap="200">
            <Checkbox
              label={t("buffers.overrideChannel", { channel: channelName(entry, locale) })}
              checked={target.enabled.includes(entry)}
              onChange={(checked) =>
                onChange({
                  ...target,
                  enabled: checked ? [...target.enabled, entry] : target.enabled.filter((value) => value !== entry),
                })
              }
            />
            {target.enabled.includes(entry) ? (
              <RuleEditor
                idPrefix={`target-${entry}`}
                draft={target.drafts[entry] ?? EMPTY_DRAFT}
                errors={channelErrors(parsed, serverErrors, entry)}
                onChange={(next) => onChange({ ...target, drafts: { ...target.drafts, [entry]: next } })}
              />
            ) : null}
          </BlockStack>
        ))}
        <InlineStack gap="200">
          <Button
            variant="primary"
            onClick={onSave}
            loading={saving}
            disabled={target.enabled.some((entry) => parsed[entry].errors.length > 0)}
          >
            {t("buffers.saveTarget")}
          </Button>
          <Button onClick={() => onChange(null)}>{t("buffers.cancel")}</Button>
        </InlineStack>
      </BlockStack>
    </Box>
  );
}

/** The confirmation before a product's or collection's rules go: how many items and channels go back to the shop defaults. */
function RemoveRulesConfirmation({ target, onClose }: { target: TargetRules | null; onClose: () => void }) {
  const t = useT();
  const locale = useLocale();
  const submit = useSubmit();
  const counted = useCounted();
  if (!target) return null;
  const name = target.label ?? numericId(target.gid);
  const channels = CHANNELS.filter((entry) => target.drafts[entry]);
  const which = {
    channels: counted("channels", channels.length),
    names: channels.map((entry) => channelName(entry, locale)).join(", "),
  };
  return (
    <ConfirmAction
      open
      title={t(target.scope === "product" ? "confirm.removeRule.titleProduct" : "confirm.removeRule.titleCollection", {
        name,
      })}
      consequences={[
        target.items > 0
          ? t("confirm.removeRule.items", { items: counted("items", target.items), ...which })
          : t("confirm.removeRule.noItems", which),
        t("confirm.removeRule.metafield"),
      ]}
      confirmLabel={t("confirm.removeRule.action")}
      onCancel={onClose}
      onConfirm={() => {
        onClose();
        submit({ intent: "removeTarget", scope: target.scope, gid: target.gid }, { method: "post" });
      }}
    />
  );
}

/** The products and collections with rules of their own: a summary per channel, edit and remove (after a confirmation). */
function TargetsTable({
  targets,
  defaults,
  onEdit,
}: {
  targets: TargetRules[];
  defaults: RulesDraft;
  onEdit: (target: Target) => void;
}) {
  const t = useT();
  const locale = useLocale();
  const summary = useRuleSummary();
  const [removing, setRemoving] = useState<TargetRules | null>(null);
  return (
    <>
      <DataTable
        label={t("buffers.targets")}
        columnContentTypes={["text", "text", "text", "text", "text"]}
        headings={[t("buffers.col.target"), ...CHANNELS.map((entry) => channelName(entry, locale)), ""]}
        rows={targets.map((entry) => [
          `${t(entry.scope === "product" ? "buffers.product" : "buffers.collection")} ${numericId(entry.gid)}${entry.label ? ` · ${entry.label}` : ""}`,
          ...CHANNELS.map((value) => summary(entry.drafts[value])),
          <ButtonGroup key="actions">
            <Button
              size="slim"
              onClick={() =>
                onEdit({
                  scope: entry.scope,
                  gid: entry.gid,
                  title: entry.label ?? numericId(entry.gid),
                  ...targetDrafts(entry.drafts, defaults),
                })
              }
            >
              {t("buffers.edit")}
            </Button>
            <Button
              size="slim"
              tone="critical"
              accessibilityLabel={t("buffers.removeLabel", { name: entry.label ?? numericId(entry.gid) })}
              onClick={() => setRemoving(entry)}
            >
              {t("buffers.removeRules")}
            </Button>
          </ButtonGroup>,
        ])}
      />
      <RemoveRulesConfirmation target={removing} onClose={() => setRemoving(null)} />
    </>
  );
}

export interface TargetsCardProps {
  targets: TargetRules[];
  defaults: RulesDraft;
  target: Target | null;
  onTarget: (target: Target | null) => void;
  serverErrors: ServerErrors;
  saving: boolean;
}

/** Rules for one product or collection: picked in Shopify's resource picker, edited, saved or removed. */
export function TargetsCard({ targets, defaults, target, onTarget, serverErrors, saving }: TargetsCardProps) {
  const t = useT();
  const submit = useSubmit();
  const shopify = useAppBridge();
  const pick = async (scope: "product" | "collection") => {
    const selection = await shopify.resourcePicker({ type: scope, multiple: false, action: "select" });
    const chosen = selection?.[0];
    if (!chosen) return;
    const existing = targets.find((entry) => entry.gid === chosen.id);
    const title = "title" in chosen && typeof chosen.title === "string" ? chosen.title : numericId(chosen.id);
    onTarget({ scope, gid: chosen.id, title, ...targetDrafts(existing?.drafts, defaults) });
  };
  const saveTarget = (editing: Target) =>
    submit(
      {
        intent: "target",
        scope: editing.scope,
        gid: editing.gid,
        drafts: JSON.stringify(editing.drafts),
        enabled: JSON.stringify(editing.enabled),
      },
      { method: "post" },
    );
  return (
    <TitledCard
      title={t("buffers.targets")}
      gap="400"
      actions={
        <ButtonGroup>
          <Button onClick={() => void pick("product")}>{t("buffers.addProduct")}</Button>
          <Button onClick={() => void pick("collection")}>{t("buffers.addCollection")}</Button>
        </ButtonGroup>
      }
    >
      <Text as="p" tone="subdued" variant="bodySm">
        {t("buffers.targetsHelp")}
      </Text>
      {target ? (
        <TargetEditor
          target={target}
          onChange={onTarget}
          serverErrors={serverErrors}
          saving={saving}
          onSave={() => saveTarget(target)}
        />
      ) : null}
      {targets.length === 0 ? (
        <Text as="p" tone="subdued">
          {t("buffers.noTargets")}
        </Text>
      ) : (
        <TargetsTable targets={targets} defaults={defaults} onEdit={onTarget} />
      )}
    </TitledCard>
  );
}
