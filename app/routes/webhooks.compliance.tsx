import type { ActionFunctionArgs } from "@remix-run/node";
import { parseJsonLossless } from "~/ingest/json";
import { customersRedactPayload } from "~/ingest/lifecycle-topics";
import { verifyWebhook, webhookLoader } from "~/web/webhook-request.server";
import { logger } from "~/logger.server";
import { database } from "~/shopify.server";
import { purgeShopData } from "~/records/shop-lifecycle.server";

/**
 * Mandatory compliance topics. Ballast keeps no customer personal data (orders are
 * stored as ids, quantities and times only), so a data request has nothing to return.
 * A wrong HMAC is refused with 401 by verifyWebhook, as Shopify's review requires.
 */
export const loader = webhookLoader;

export const action = async ({ request }: ActionFunctionArgs) => {
  const { topic, shop, rawBody } = await verifyWebhook(request);
  switch (topic) {
    case "CUSTOMERS_DATA_REQUEST":
      logger.info({ shop }, "customers/data_request: no customer personal data is stored");
      break;
    case "CUSTOMERS_REDACT": {
      const parsed = customersRedactPayload.safeParse(parseJsonLossless(rawBody));
      if (!parsed.success) return new Response("orders_to_redact must be a list of order ids", { status: 422 });
      const orderIds = parsed.data.orders_to_redact ?? [];
      const orderGids = orderIds.map((id) => `gid://shopify/Order/${String(id)}`);
      // Order records hold no personal data, but the customer's orders go all the same.
      await database.orderRecord.deleteMany({ where: { shop, orderGid: { in: orderGids } } });
      break;
    }
    case "SHOP_REDACT":
      await purgeShopData(database, shop);
      logger.info({ shop }, "shop/redact: all shop data deleted");
      break;
    default:
      return new Response(`Unexpected compliance topic ${String(topic)}`, { status: 400 });
  }
  return new Response(null, { status: 200 });
};
