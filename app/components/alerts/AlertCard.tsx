import { Link } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, InlineStack, List, Text } from "@shopify/polaris";
import { alertConcernsItems, describeAlert, moreItemsText, type AlertItem } from "~/records/alert-text";
import type { AlertView } from "~/web/alerts.server";
import { numericId } from "~/web/ids";
import { channelName } from "~/components/format";
import { useDateTime } from "~/components/use-date-time";
import type { MessageKey } from "~/i18n";
import { useLocale, useShopTimeZone, useT } from "~/i18n/react";

const TONE: Record<string, "critical" | "warning" | "info"> = {
  critical: "critical",
  warning: "warning",
  info: "info",
};

/** What the alert's buttons do: post to the page's action, or ask before pausing. */
export interface AlertActions {
  acknowledge: (id: string) => void;
  resync: () => void;
  askPause: (channel: string) => void;
  busy: boolean;
}

/** When the alert opened, and was acknowledged or resolved. */
function AlertTimes({ alert }: { alert: AlertView }) {
  const t = useT();
  const at = useDateTime();
  return (
    <Text as="p" tone="subdued" variant="bodySm">
      {t("alerts.opened", { at: at(alert.openedAt) })}
      {alert.acknowledgedAt ? ` · ${t("alerts.acknowledgedAt", { at: at(alert.acknowledgedAt) })}` : ""}
      {alert.resolvedAt ? ` · ${t("alerts.resolvedAt", { at: at(alert.resolvedAt) })}` : ""}
    </Text>
  );
}

/** One item: its product and variant titles, linking to its page, and its SKU. */
function ItemLine({ item }: { item: AlertItem }) {
  const t = useT();
  const name = item.productTitle
    ? item.variantTitle
      ? `${item.productTitle} — ${item.variantTitle}`
      : item.productTitle
    : t("alerts.item.unnamed");
  return (
    <List.Item>
      <Link to={`/app/items/${numericId(item.variantId)}`}>{name}</Link>
      <Text as="span" tone="subdued">
        {` · ${item.sku ? t("alerts.item.sku", { sku: item.sku }) : t("alerts.item.noSku")}`}
      </Text>
    </List.Item>
  );
}

function ItemList({ alert }: { alert: AlertView }) {
  const t = useT();
  const locale = useLocale();
  if (!alertConcernsItems(alert.kind) || (alert.items.length === 0 && alert.moreItems === 0)) return null;
  return (
    <BlockStack gap="100">
      <Text as="h3" variant="headingSm">
        {t("alerts.heading.items")}
      </Text>
      <List type="bullet">
        {alert.items.map((item) => (
          <ItemLine key={item.variantId} item={item} />
        ))}
        {alert.moreItems > 0 ? <List.Item>{moreItemsText(locale, alert.moreItems)}</List.Item> : null}
      </List>
    </BlockStack>
  );
}

/** The button for the recommended action, where Ballast can do it or show where it is done. */
function ActionButton({ alert, action, actions }: { alert: AlertView; action: string; actions: AlertActions }) {
  const t = useT();
  const locale = useLocale();
  const channel = alert.channel ? channelName(alert.channel, locale) : "";
  const first = alert.items[0];
  switch (action) {
    case "resync":
      return (
        <Button variant="primary" onClick={actions.resync} loading={actions.busy}>
          {t("alerts.button.resync")}
        </Button>
      );
    case "pause_channel":
      return alert.channel ? (
        <Button tone="critical" onClick={() => actions.askPause(alert.channel!)} disabled={actions.busy}>
          {t("alerts.button.pause_channel", { channel })}
        </Button>
      ) : null;
    case "reconnect":
      return <Button url="/app/channels">{t("alerts.button.reconnect")}</Button>;
    case "channel_settings":
      return alert.channel ? (
        <Button url={`/app/channels/${alert.channel}`}>{t("alerts.button.channel_settings", { channel })}</Button>
      ) : null;
    case "open_item":
      return first ? (
        <Button url={`/app/items/${numericId(first.variantId)}`}>{t("alerts.button.open_item")}</Button>
      ) : null;
    default:
      return null;
  }
}

export function AlertCard({ alert, actions }: { alert: AlertView; actions: AlertActions }) {
  const t = useT();
  const locale = useLocale();
  const timeZone = useShopTimeZone();
  const formatTime = useDateTime();
  const text = describeAlert(alert, { locale, timeZone, formatTime });
  const open = alert.resolvedAt === null;
  const where = alert.channel ? channelName(alert.channel, locale) : t("alerts.shopWide");
  return (
    // An article per alert, named by its title and channel: assistive technology (and the browser test) can find each.
    <article aria-label={`${text.title} — ${where}`}>
      <Card>
        <BlockStack gap="300">
          <InlineStack gap="200" blockAlign="center">
            <Badge tone={TONE[alert.severity]}>
              {t(`alerts.severity.${alert.severity in TONE ? alert.severity : "info"}` as MessageKey)}
            </Badge>
            <Text as="h2" variant="headingMd">
              {text.title}
            </Text>
            <Text as="span" tone="subdued">
              {where}
            </Text>
          </InlineStack>
          <Text as="p">{text.meaning}</Text>
          <Text as="p">
            <Text as="span" fontWeight="semibold">
              {`${t("alerts.label.action")} `}
            </Text>
            {text.action}
          </Text>
          {text.facts.length > 0 ? (
            <List type="bullet">
              {text.facts.map((fact) => (
                <List.Item key={fact}>{fact}</List.Item>
              ))}
            </List>
          ) : null}
          <ItemList alert={alert} />
          <AlertTimes alert={alert} />
          {open ? (
            <InlineStack gap="200">
              <ActionButton alert={alert} action={text.suggestedAction} actions={actions} />
              {!alert.acknowledgedAt ? (
                <Button onClick={() => actions.acknowledge(alert.id)} disabled={actions.busy}>
                  {t("alerts.acknowledge")}
                </Button>
              ) : null}
            </InlineStack>
          ) : null}
        </BlockStack>
      </Card>
    </article>
  );
}
