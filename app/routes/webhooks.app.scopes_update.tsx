import type { ActionFunctionArgs } from "@remix-run/node";
import { verifyWebhook, webhookLoader } from "~/web/webhook-request.server";
import { database } from "~/shopify.server";
import { updateGrantedScopes } from "~/records/shop-lifecycle.server";
import { scopesUpdatePayload } from "~/ingest/lifecycle-topics";

export const loader = webhookLoader;

export const action = async ({ request }: ActionFunctionArgs) => {
  const { payload, session } = await verifyWebhook(request);
  const parsed = scopesUpdatePayload.safeParse(payload);
  if (!parsed.success) return new Response("payload.current must be a list of scopes", { status: 422 });
  if (session) await updateGrantedScopes(database, session.id, parsed.data.current);
  return new Response(null, { status: 200 });
};
