import { useId } from "react";
import { Banner, BlockStack, Card, ProgressBar, Text } from "@shopify/polaris";
import { operationFailureText, storedOperationFailure } from "~/records/operation-failure";
import { useLocale, useT } from "~/i18n/react";
import type { RehearsalView } from "~/web/rehearsal.server";
import { useDateTime } from "../use-date-time";
import { familyName } from "./words";

/** A rehearsal queued or running: a progress bar (the page reloads its data meanwhile). */
export function RehearsalProgress({ rehearsal }: { rehearsal: RehearsalView }) {
  const t = useT();
  const at = useDateTime();
  const labelId = useId();
  const percent = rehearsal.progress === null ? null : Math.round(rehearsal.progress * 100);
  const family = rehearsal.family ? t(familyName(rehearsal.family)) : "";
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd" id={labelId}>
          {t("rehearsal.progress.title")}
        </Text>
        <ProgressBar progress={percent ?? 0} animated={percent === null} ariaLabelledBy={labelId} size="small" />
        <Text as="p">
          {rehearsal.state === "queued" || percent === null
            ? t("rehearsal.progress.queued")
            : t("rehearsal.progress.running", { percent })}
        </Text>
        <Text as="p" tone="subdued">
          {t("rehearsal.progress.about", { family, at: at(rehearsal.createdAt) })}
        </Text>
      </BlockStack>
    </Card>
  );
}

/** A rehearsal that stopped: why, in words (never the raw error). */
export function RehearsalFailed({ rehearsal }: { rehearsal: RehearsalView }) {
  const t = useT();
  const locale = useLocale();
  const at = useDateTime();
  const failure = storedOperationFailure(rehearsal.error);
  const reason = failure ? operationFailureText(failure, locale) : "";
  const family = rehearsal.family ? t(familyName(rehearsal.family)) : "";
  return (
    <Banner tone="critical">
      <p>{t("rehearsal.failed", { family, at: at(rehearsal.createdAt), reason })}</p>
    </Banner>
  );
}
