import type { ActionFunctionArgs } from "@remix-run/node";
import { forgetInstalled } from "~/ingest/stock-webhook.server";
import { verifyWebhook, webhookLoader } from "~/web/webhook-request.server";
import { logger } from "~/logger.server";
import { database } from "~/shopify.server";
import { markShopUninstalled } from "~/records/shop-lifecycle.server";

// Webhooks can arrive more than once and after the app was uninstalled: every step is idempotent.
export const loader = webhookLoader;

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await verifyWebhook(request);
  await markShopUninstalled(database, shop, new Date());
  forgetInstalled(shop);
  logger.info({ shop }, "app uninstalled: sessions deleted, channels stopped");
  return new Response(null, { status: 200 });
};
