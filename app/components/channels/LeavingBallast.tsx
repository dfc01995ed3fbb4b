import { Button, InlineStack, Text } from "@shopify/polaris";
import { TitledCard } from "~/components/TitledCard";
import { useT } from "~/i18n/react";
import type { ChannelsPageActions } from "./page";

/** Before uninstalling: release every unit Ballast holds back (the page's confirmation says how many first). */
export function LeavingBallastCard({
  holdsReleased,
  actions,
}: {
  holdsReleased: boolean;
  actions: ChannelsPageActions;
}) {
  const t = useT();
  return (
    <TitledCard title={t("channels.leaving.title")} gap="200">
      <Text as="p">{t("channels.leaving.body")}</Text>
      <InlineStack>
        <Button tone="critical" onClick={() => actions.ask({ kind: "release" })} disabled={holdsReleased}>
          {t("channels.releaseHolds")}
        </Button>
      </InlineStack>
    </TitledCard>
  );
}
