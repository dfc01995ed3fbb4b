import { useState } from "react";
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, InlineStack, Layout, Modal, Text } from "@shopify/polaris";
import type { MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { channelName } from "~/components/format";
import { useDateTime } from "~/components/use-date-time";
import type { SettingsPageResult } from "~/web/settings-page.server";
import type { FeedView } from "~/web/settings.server";
import { CopyField } from "./SectionFeedback";

type Confirm = "rotate" | "revoke" | null;

/** The URLs just issued, shown this once (only the token's hash is kept). */
function IssuedUrls({ urls, replaced }: { urls: Record<string, string | undefined>; replaced: boolean }) {
  const t = useT();
  return (
    <Banner tone="warning" title={t("shopSettings.feeds.newUrls")}>
      <BlockStack gap="200">
        {replaced ? <Text as="p">{t("shopSettings.feeds.replacedNote")}</Text> : null}
        {Object.entries(urls).map(([format, url]) =>
          url ? (
            <CopyField key={format} label={t(`shopSettings.feeds.format.${format}` as MessageKey)} value={url} />
          ) : null,
        )}
      </BlockStack>
    </Banner>
  );
}

/** One channel's feed: when its URL was issued and last fetched; issue, replace or revoke it (the last two ask first). */
function FeedRow({ feed }: { feed: FeedView }) {
  const t = useT();
  const at = useDateTime();
  const name = channelName(feed.channel, useLocale());
  const fetcher = useFetcher<SettingsPageResult>({ key: `feed-${feed.channel}` });
  const [confirm, setConfirm] = useState<Confirm>(null);
  const post = (intent: "issueFeed" | "revokeFeed") => {
    setConfirm(null);
    fetcher.submit({ intent, channel: feed.channel }, { method: "post" });
  };
  const result = fetcher.state === "idle" ? fetcher.data : undefined;
  const issued = result?.intent === "issueFeed" && result.ok ? result.feed : null;
  const revoked = result?.intent === "revokeFeed" ? result : null;
  return (
    <BlockStack gap="200">
      <Text as="h3" variant="headingSm">
        {name}
      </Text>
      <Text as="p" tone="subdued">
        {feed.issuedAt
          ? t("shopSettings.feeds.issued", {
              issued: at(feed.issuedAt),
              fetched: feed.lastFetchedAt ? at(feed.lastFetchedAt) : t("shopSettings.feeds.neverFetched"),
            })
          : t("shopSettings.feeds.none")}
      </Text>
      {issued ? <IssuedUrls urls={issued.urls} replaced={issued.replaced} /> : null}
      {revoked ? (
        <Banner
          tone={revoked.ok ? "success" : "info"}
          title={t(revoked.ok ? "shopSettings.feeds.revoked" : "shopSettings.feeds.nothingToRevoke", { channel: name })}
        />
      ) : null}
      <InlineStack gap="200">
        {feed.issuedAt ? (
          <>
            <Button onClick={() => setConfirm("rotate")} loading={fetcher.state !== "idle"}>
              {t("shopSettings.feeds.rotate")}
            </Button>
            <Button tone="critical" onClick={() => setConfirm("revoke")} disabled={fetcher.state !== "idle"}>
              {t("shopSettings.feeds.revoke")}
            </Button>
          </>
        ) : (
          <Button onClick={() => post("issueFeed")} loading={fetcher.state !== "idle"}>
            {t("shopSettings.feeds.issue")}
          </Button>
        )}
      </InlineStack>
      <Modal
        open={confirm !== null}
        onClose={() => setConfirm(null)}
        title={t(confirm === "rotate" ? "shopSettings.feeds.rotateTitle" : "shopSettings.feeds.revokeTitle", {
          channel: name,
        })}
        primaryAction={{
          content: t(confirm === "rotate" ? "shopSettings.feeds.rotateConfirm" : "shopSettings.feeds.revokeConfirm"),
          destructive: true,
          onAction: () => post(confirm === "rotate" ? "issueFeed" : "revokeFeed"),
        }}
        secondaryActions={[{ content: t("shopSettings.cancel"), onAction: () => setConfirm(null) }]}
      >
        <Modal.Section>
          <Text as="p">
            {t(confirm === "rotate" ? "shopSettings.feeds.rotateBody" : "shopSettings.feeds.revokeBody", {
              channel: name,
            })}
          </Text>
        </Modal.Section>
      </Modal>
    </BlockStack>
  );
}

/** Fallback feeds: a URL per channel that Meta or Google fetches on a schedule (docs/fallback-feeds.md). */
export function FeedsSection({ feeds }: { feeds: FeedView[] }) {
  const t = useT();
  return (
    <Layout.AnnotatedSection title={t("shopSettings.feeds.title")} description={t("shopSettings.feeds.description")}>
      <Card>
        <BlockStack gap="500">
          {feeds.map((feed) => (
            <FeedRow key={feed.channel} feed={feed} />
          ))}
        </BlockStack>
      </Card>
    </Layout.AnnotatedSection>
  );
}
