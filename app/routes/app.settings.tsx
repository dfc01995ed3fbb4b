import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Layout, Page } from "@shopify/polaris";
import { actingAs } from "~/records/activity.server";
import { pageContext } from "~/web/context.server";
import { loadSettings, settingsDependencies, webhookUrlPolicy } from "~/web/settings.server";
import { settingsPageAction } from "~/web/settings-page.server";
import { retentionPeriods } from "~/web/retention.server";
import { EmailSection } from "~/components/settings/EmailSection";
import { WebhookSection } from "~/components/settings/WebhookSection";
import { ThresholdsSection } from "~/components/settings/ThresholdsSection";
import { AutoProtectSection } from "~/components/settings/AutoProtectSection";
import { FeedsSection } from "~/components/settings/FeedsSection";
import { RetentionSection } from "~/components/settings/RetentionSection";
import { useT } from "~/i18n/react";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, database } = await pageContext(request);
  return {
    ...(await loadSettings(database, shop)),
    webhookUrlPolicy: webhookUrlPolicy(),
    retention: retentionPeriods(),
  };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, database, actor } = await pageContext(request);
  const form = await request.formData();
  return actingAs(actor, () => settingsPageAction(database, shop, form, settingsDependencies()));
};

export default function Settings() {
  const settings = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <Page title={t("shopSettings.title")} subtitle={t("shopSettings.subtitle")}>
      <Layout>
        <EmailSection delivery={settings.delivery} />
        <WebhookSection delivery={settings.delivery} policy={settings.webhookUrlPolicy} />
        <ThresholdsSection thresholds={settings.thresholds} />
        <AutoProtectSection autoProtect={settings.autoProtect} />
        <FeedsSection feeds={settings.feeds} />
        <RetentionSection periods={settings.retention} />
      </Layout>
    </Page>
  );
}
