import { Banner, Layout } from "@shopify/polaris";
import type { MirrorResult } from "~/web/metafield-mirror.server";
import { useT } from "~/i18n/react";

/** What the last save did: saved (or nothing to change), with a warning when the product-page mirror failed; or not saved. */
export type BuffersOutcome = { ok: true; changed: readonly unknown[]; mirror: MirrorResult } | { ok: false };

export function BuffersFeedback({ outcome }: { outcome: BuffersOutcome | undefined }) {
  const t = useT();
  if (!outcome) return null;
  if (!outcome.ok) {
    return (
      <Layout.Section>
        <Banner tone="critical" title={t("buffers.notSaved")}>
          <p>{t("buffers.notSavedBody")}</p>
        </Banner>
      </Layout.Section>
    );
  }
  return (
    <Layout.Section>
      <Banner
        tone={outcome.mirror.ok ? "success" : "warning"}
        title={outcome.changed.length ? t("buffers.saved") : t("buffers.unchanged")}
      >
        {outcome.mirror.ok ? null : <p>{t("buffers.mirrorFailed", { detail: outcome.mirror.message })}</p>}
      </Banner>
    </Layout.Section>
  );
}
