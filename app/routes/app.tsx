import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisEnglish from "@shopify/polaris/locales/en.json";
import polarisFrench from "@shopify/polaris/locales/fr.json";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { trackFirstFullRead } from "~/web/channel-operations.server";
import { I18nProvider, useT } from "~/i18n/react";
import { env } from "~/env.server";
import { refuseForeignShopParameter } from "~/web/context.server";
import { authenticate, database } from "~/shopify.server";
import { localeForRequest } from "~/records/shop-locale.server";
import { shopProfile } from "~/web/shop-profile.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

// Shopify admin shows its own title bar; the document still needs a title (screen readers, axe).
export const meta = () => [{ title: "Ballast" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  refuseForeignShopParameter(request, session.shop);
  const [locale, { timeZone }] = await Promise.all([
    localeForRequest(database, session.shop, request),
    shopProfile(database, session.shop, session.accessToken ?? ""),
    trackFirstFullRead(database, session.shop),
  ]);
  return { apiKey: env().SHOPIFY_API_KEY, locale, timeZone };
};

function Navigation() {
  const t = useT();
  return (
    <NavMenu>
      <Link to="/app" rel="home">
        {t("nav.overview")}
      </Link>
      <Link to="/app/buffers">{t("nav.buffers")}</Link>
      <Link to="/app/channels">{t("nav.channels")}</Link>
      <Link to="/app/items">{t("nav.items")}</Link>
      <Link to="/app/alerts">{t("nav.alerts")}</Link>
      <Link to="/app/activity">{t("nav.activity")}</Link>
      <Link to="/app/rehearsal">{t("rehearsal.nav")}</Link>
      <Link to="/app/onboarding">{t("nav.onboarding")}</Link>
      <Link to="/app/settings">{t("nav.settings")}</Link>
    </NavMenu>
  );
}

export default function AppLayout() {
  const { apiKey, locale, timeZone } = useLoaderData<typeof loader>();
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey} i18n={locale === "fr" ? polarisFrench : polarisEnglish}>
      <I18nProvider locale={locale} timeZone={timeZone}>
        <Navigation />
        <Outlet />
      </I18nProvider>
    </AppProvider>
  );
}

// Shopify needs Remix to catch its thrown responses (redirects to the session-token bounce).
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
