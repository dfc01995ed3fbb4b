import { useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigate, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import { BlockStack, Page } from "@shopify/polaris";
import { alertFilterSchema, alertsPageAction, listAlerts } from "~/web/alerts.server";
import { actingAs } from "~/records/activity.server";
import { pageContext } from "~/web/context.server";
import { AlertFilters, AlertList, AlertsFeedback, PauseChannelModal } from "~/components/alerts/AlertSections";
import type { AlertActions } from "~/components/alerts/AlertCard";
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
  const { shop, database, actor } = await pageContext(request);
  const form = await request.formData();
  return actingAs(actor, () => alertsPageAction(database, shop, form, Date.now()));
};

export default function Alerts() {
  const { alerts } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const submit = useSubmit();
  const t = useT();
  const [pausing, setPausing] = useState<string | null>(null);
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    navigate(`/app/alerts?${next.toString()}`);
  };
  const actions: AlertActions = {
    acknowledge: (id) => submit({ intent: "acknowledge", id }, { method: "post" }),
    resync: () => submit({ intent: "resync" }, { method: "post" }),
    askPause: setPausing,
    busy: navigation.state === "submitting",
  };

  return (
    <Page title={t("alerts.title")} subtitle={t("alerts.subtitle")}>
      <BlockStack gap="400">
        <AlertsFeedback result={result} />
        <AlertFilters params={params} set={set} />
        <AlertList alerts={alerts} actions={actions} />
      </BlockStack>
      <PauseChannelModal
        channel={pausing}
        onCancel={() => setPausing(null)}
        onConfirm={() => {
          if (pausing) submit({ intent: "pause", channel: pausing }, { method: "post" });
          setPausing(null);
        }}
      />
    </Page>
  );
}
