import { useState } from "react";
import { Form } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, ChoiceList, InlineGrid, InlineStack, Select, Text } from "@shopify/polaris";
import { useLocale, useT } from "~/i18n/react";
import type { RehearsalPage } from "~/web/rehearsal.server";
import { formatNumber } from "../format";
import { familyHelp, familyName, placeWords } from "./words";

type CheckoutChoice = "settings" | "channel" | "store";

/**
 * Choose the day (each family in one plain sentence) and where each catalog channel's
 * buyers check out (the shop's setting by default), then start. Says that live channels are
 * not touched, and how many variants will be rehearsed.
 */
export function RehearsalForm({ page, pending, busy }: { page: RehearsalPage; pending: boolean; busy: boolean }) {
  const t = useT();
  const locale = useLocale();
  const [family, setFamily] = useState<string>(page.latest?.family ?? "small");
  const [meta, setMeta] = useState<CheckoutChoice>("settings");
  const [google, setGoogle] = useState<CheckoutChoice>("settings");
  const options = (current: "channel" | "store") => [
    { label: t("rehearsal.checkout.settings", { place: t(placeWords(current)) }), value: "settings" },
    { label: t("rehearsal.checkout.channel"), value: "channel" },
    { label: t("rehearsal.checkout.store"), value: "store" },
  ];
  const { variantsWithStock, rehearsedVariants } = page;
  const catalog =
    variantsWithStock === 0
      ? t("rehearsal.catalog.none")
      : rehearsedVariants < variantsWithStock
        ? t("rehearsal.catalog.capped", {
            rehearsed: formatNumber(rehearsedVariants, locale),
            count: formatNumber(variantsWithStock, locale),
          })
        : t("rehearsal.catalog", { count: formatNumber(variantsWithStock, locale) });
  return (
    <Card>
      <Form method="post">
        <input type="hidden" name="family" value={family} />
        <input type="hidden" name="checkout_meta" value={meta} />
        <input type="hidden" name="checkout_google" value={google} />
        <BlockStack gap="400">
          <Text as="h2" variant="headingMd">
            {t("rehearsal.form.title")}
          </Text>
          <ChoiceList
            title={t("rehearsal.family.label")}
            choices={page.families.map((name) => ({
              label: t(familyName(name)),
              value: name,
              helpText: t(familyHelp(name)),
            }))}
            selected={[family]}
            onChange={(selected) => setFamily(selected[0] ?? family)}
          />
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
            <Select
              label={t("rehearsal.checkout.meta")}
              options={options(page.checkoutSettings.meta)}
              value={meta}
              onChange={(value) => setMeta(value as CheckoutChoice)}
            />
            <Select
              label={t("rehearsal.checkout.google")}
              options={options(page.checkoutSettings.google)}
              value={google}
              onChange={(value) => setGoogle(value as CheckoutChoice)}
            />
          </InlineGrid>
          <Text as="p" tone="subdued">
            {t("rehearsal.checkout.help")}
          </Text>
          {pending ? null : <Text as="p">{catalog}</Text>}
          <Banner tone="info">
            <p>{t("rehearsal.safe")}</p>
          </Banner>
          <InlineStack>
            <Button submit variant="primary" loading={busy} disabled={pending || variantsWithStock === 0}>
              {t("rehearsal.start")}
            </Button>
          </InlineStack>
        </BlockStack>
      </Form>
    </Card>
  );
}
