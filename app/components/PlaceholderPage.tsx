import { BlockStack, Card, Page, Text } from "@shopify/polaris";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/react";

/** A page whose feature has not landed yet: says so plainly instead of showing fake data. */
export function PlaceholderPage({ titleKey }: { titleKey: MessageKey }) {
  const t = useT();
  return (
    <Page title={t(titleKey)}>
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            {t("placeholder.heading")}
          </Text>
          <Text as="p">{t("placeholder.body")}</Text>
        </BlockStack>
      </Card>
    </Page>
  );
}
