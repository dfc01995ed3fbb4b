import { BlockStack, Card, Page, Text } from "@shopify/polaris";
import { useT } from "~/i18n/react";

export default function Overview() {
  const t = useT();
  return (
    <Page title={t("overview.title")}>
      <Card>
        <BlockStack gap="200">
          <Text as="p">{t("overview.intro")}</Text>
          <Text as="p" tone="subdued">
            {t("overview.example")}
          </Text>
        </BlockStack>
      </Card>
    </Page>
  );
}
