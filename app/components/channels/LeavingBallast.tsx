import { Button, InlineStack, Modal, Text } from "@shopify/polaris";
import { TitledCard } from "~/components/TitledCard";
import { useT } from "~/i18n/react";
import type { ChannelsConfirm, ChannelsPageActions } from "./page";

/** Before uninstalling: release every unit Ballast holds back (asked in a modal first). */
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
        <Button tone="critical" onClick={() => actions.ask({ kind: "leave" })} disabled={holdsReleased}>
          {t("channels.releaseHolds")}
        </Button>
      </InlineStack>
    </TitledCard>
  );
}

export function ReleaseHoldsModal({ confirm, actions }: { confirm: ChannelsConfirm; actions: ChannelsPageActions }) {
  const t = useT();
  return (
    <Modal
      open={confirm?.kind === "leave"}
      onClose={() => actions.ask(null)}
      title={t("channels.releaseTitle")}
      primaryAction={{
        content: t("channels.confirmRelease"),
        destructive: true,
        onAction: () => actions.post({ intent: "releaseHolds" }),
      }}
      secondaryActions={[{ content: t("buffers.cancel"), onAction: () => actions.ask(null) }]}
    >
      <Modal.Section>
        <Text as="p">{t("channels.releaseWarning")}</Text>
      </Modal.Section>
    </Modal>
  );
}
