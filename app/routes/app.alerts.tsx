import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigate, useSearchParams, useSubmit } from "@remix-run/react";
import { Card, Page } from "@shopify/polaris";
import { acknowledgeAlert, alertFilterSchema, listAlerts } from "~/web/alerts.server";
import { pageContext } from "~/web/context.server";
import { AlertFilters, AlertList } from "~/components/alerts/AlertSections";
import { useT } from "~/i18n/react";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, database } = await pageContext(request);
  const query = Object.fromEntries(new URL(request.url).searchParams);
  const filter = alertFilterSchema.safeParse({
    status: query.status,
    severity: query.severity || undefined,
    channel: query.channel || undefined,
  });
  const alerts = await listAlerts(database, shop, filter.success ? filter.data : alertFilterSchema.parse({}));
  return { alerts };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, database } = await pageContext(request);
  const form = await request.formData();
  const ok = await acknowledgeAlert(database, shop, String(form.get("id") ?? ""), Date.now());
  return { ok };
};

export default function Alerts() {
  const { alerts } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const submit = useSubmit();
  const t = useT();
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    navigate(`/app/alerts?${next.toString()}`);
  };

  return (
    <Page title={t("alerts.title")} subtitle={t("alerts.subtitle")}>
      <Card padding="0">
        <AlertFilters params={params} set={set} />
        <AlertList alerts={alerts} onAcknowledge={(id) => submit({ id }, { method: "post" })} />
      </Card>
    </Page>
  );
}
