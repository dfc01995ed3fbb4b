import { Link } from "@remix-run/react";
import { Banner, Layout } from "@shopify/polaris";
import type { ChannelId } from "~/domain";
import { useT } from "~/i18n/react";

/** After a save: saved (with a link to the change in Activity) or nothing to change. */
export function SettingsSavedBanner({ channel, changed }: { channel: ChannelId; changed: boolean }) {
  const t = useT();
  return (
    <Layout.Section>
      <Banner tone="success" title={t(changed ? "settings.saved" : "settings.unchanged")}>
        {changed ? (
          <p>
            {t("settings.savedBody")} <Link to={`/app/activity?channel=${channel}`}>{t("settings.activityLink")}</Link>
          </p>
        ) : null}
      </Banner>
    </Layout.Section>
  );
}

/** The form does not parse: saving waits until the fields marked are fixed. */
export function SettingsInvalidBanner() {
  const t = useT();
  return (
    <Layout.Section>
      <Banner tone="warning" title={t("settings.invalid")} />
    </Layout.Section>
  );
}
