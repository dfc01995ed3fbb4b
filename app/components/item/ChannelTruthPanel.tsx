import { Badge, Banner, BlockStack, Box, InlineGrid, Text } from "@shopify/polaris";
import type { ItemChannelView } from "~/web/items.server";
import type { TruthStatus } from "~/web/channel-truth";
import { channelName } from "~/components/format";
import { useDateTime } from "~/components/use-date-time";
import type { MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { agoText, channelValue, durationSince } from "./truth-words";

const capitalise = (text: string) => text.charAt(0).toLocaleUpperCase() + text.slice(1);

interface Notice {
  tone: "critical" | "warning" | "info";
  title: string;
  body: string | null;
}

type Translate = ReturnType<typeof useT>;

interface NoticeContext {
  t: Translate;
  at: (iso: string | null) => string;
  ago: (iso: string | null) => string;
  since: (iso: string | null) => string;
  values: { channel: string; shows: string; wants: string };
}

type Problem = Extract<TruthStatus, { kind: "drift" | "parked" | "retrying" | "differs" }>;
type Wait = Exclude<TruthStatus, Problem | { kind: "in_sync" }>;

/** Drift and failures: warnings (critical when the channel may sell what is gone, or updates stopped). */
function problemNotice(status: Problem, context: NoticeContext): Notice {
  const { t, at, since, values } = context;
  switch (status.kind) {
    case "drift":
      return {
        tone: status.shownMore ? "critical" : "warning",
        title: t("item.status.drift.title", values),
        body: [
          t("item.status.drift.body", { ...values, duration: since(status.since), time: at(status.since) }),
          status.shownMore ? t("item.status.drift.more", values) : "",
        ]
          .filter(Boolean)
          .join(" "),
      };
    case "parked":
      return {
        tone: "critical",
        title: t("item.status.parked.title", values),
        body: t("item.status.parked.body", { ...values, duration: since(status.since) }),
      };
    case "retrying":
      return {
        tone: "warning",
        title: t("item.status.retrying.title", values),
        body: t("item.status.retrying.body", { time: at(status.nextAt), attempts: status.attempts }),
      };
    case "differs":
      return {
        tone: "warning",
        title: t("item.status.differs.title", values),
        body: status.since
          ? t("item.status.differs.body", { time: at(status.since) })
          : t("item.status.differs.bodyNoTime"),
      };
  }
}

/** Waits (Google's allowance, a push on its way, observe mode): neutral information, not failures. */
function waitNotice(status: Wait, context: NoticeContext): Notice {
  const { t, at, ago, since, values } = context;
  switch (status.kind) {
    case "waiting_allowance":
      return {
        tone: "info",
        title: t("item.status.waiting_allowance.title"),
        body: status.until
          ? t("item.status.waiting_allowance.body", { time: at(status.until) })
          : t("item.status.waiting_allowance.bodyNoTime"),
      };
    case "sending":
      return {
        tone: "info",
        title: t("item.status.sending.title"),
        body: t("item.status.sending.body", { ...values, ago: ago(status.since) }),
      };
    case "queued":
      return {
        tone: "info",
        title: t("item.status.queued.title"),
        body: status.since
          ? t("item.status.queued.body", { ...values, duration: since(status.since) })
          : t("item.status.queued.bodyNoTime", values),
      };
    case "deferred":
      return {
        tone: "info",
        title: t("item.status.deferred.title", values),
        body: t(`item.status.deferred.${status.reason}`, { ...values, time: at(status.dueAt) }),
      };
    case "recalculating":
      return {
        tone: "info",
        title: t("item.status.recalculating.title"),
        body: t("item.status.recalculating.body", values),
      };
    case "observing":
      return {
        tone: "info",
        title: t("item.status.observing.title", values),
        body: t("item.status.observing.body", values),
      };
    case "frozen":
      return { tone: "info", title: t("item.status.frozen.title", values), body: t("item.status.frozen.body") };
    case "not_connected":
      return { tone: "info", title: t("item.status.not_connected", values), body: null };
    case "not_synced":
      return { tone: "info", title: t("item.status.not_synced", values), body: null };
  }
}

function noticeFor(status: TruthStatus, context: NoticeContext): Notice | null {
  if (status.kind === "in_sync") return null;
  if (status.kind === "drift" || status.kind === "parked" || status.kind === "retrying" || status.kind === "differs")
    return problemNotice(status, context);
  return waitNotice(status, context);
}

/** One figure of the two: its label, the value large, where it comes from below. */
function Figure(props: { label: string; value: string; testId: string; source: string }) {
  return (
    <Box background="bg-surface-secondary" padding="300" borderRadius="200">
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">
          {props.label}
        </Text>
        <Text as="p" variant="headingLg">
          <span data-testid={props.testId}>{props.value}</span>
        </Text>
        <Text as="p" variant="bodySm" tone="subdued">
          {props.source}
        </Text>
      </BlockStack>
    </Box>
  );
}

/**
 * The channel's one truth: what it shows now beside what Ballast wants, each with where it
 * comes from, then — when they differ — a banner saying why and for how long.
 */
export function ChannelTruthPanel({ view, nowMs }: { view: ItemChannelView; nowMs: number }) {
  const t = useT();
  const locale = useLocale();
  const dateTime = useDateTime();
  const { truth, channel } = view;
  const name = channelName(channel, locale);
  // In a sentence the channel is a subject: "the Online Store", "la Boutique en ligne".
  const subject = t(`item.subject.${channel}`);
  const shows = channelValue(channel, truth.shows.value, t, locale);
  const wants = channelValue(channel, truth.wants.value, t, locale);
  const ago = (iso: string | null) => agoText(iso, nowMs, t, locale);
  const notice = noticeFor(truth.status, {
    // Each message starts a sentence (some start with the channel: "the Online Store shows…").
    t: (key, values) => capitalise(t(key, values)),
    at: (iso) => dateTime(iso),
    ago,
    since: (iso) => durationSince(iso, nowMs, locale),
    values: { channel: subject, shows, wants },
  });
  return (
    <BlockStack gap="300">
      <InlineGrid columns={{ xs: 1, sm: 2 }} gap="300">
        <Figure
          label={t("item.shows", { channel: name })}
          value={shows}
          testId={`shows-${channel}`}
          source={t(`item.shows.${truth.shows.source}` as MessageKey, { channel: subject, ago: ago(truth.shows.at) })}
        />
        <Figure
          label={t("item.wants")}
          value={wants}
          testId={`now-${channel}`}
          source={t(`item.wants.${truth.wants.source}` as MessageKey, { ago: ago(truth.wants.at) })}
        />
      </InlineGrid>
      <div data-testid={`status-${channel}`} data-status={truth.status.kind}>
        {notice ? (
          <Banner tone={notice.tone} title={notice.title}>
            {notice.body ? <p>{notice.body}</p> : null}
          </Banner>
        ) : (
          <Badge tone="success">{t("item.status.in_sync")}</Badge>
        )}
      </div>
    </BlockStack>
  );
}
