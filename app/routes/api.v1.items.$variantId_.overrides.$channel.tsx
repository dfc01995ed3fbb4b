import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { channelIdSchema } from "~/domain";
import { apiError, jsonBody, methodNotAllowed, withApi, zodDetails } from "~/web/api.server";
import { parseVariantId } from "~/web/ids";
import { clearOverride, setOverride } from "~/web/overrides.server";

/**
 * PUT /api/v1/items/{variantId}/overrides/{channel}  {quantity, expiresAt, reason?}
 * DELETE /api/v1/items/{variantId}/overrides/{channel}
 */
const overrideBody = z
  .object({
    quantity: z.number().int().min(0).max(1_000_000),
    expiresAt: z.string().datetime({ offset: true }),
    reason: z.string().max(500).optional(),
  })
  .strict();

const STATUS_BY_CODE: Record<string, number> = {
  item_not_found: 404,
  override_exceeds_sellable: 422,
  override_already_expired: 422,
  override_invalid: 400,
};

export const loader = ({ request }: LoaderFunctionArgs) =>
  withApi(request, async () => methodNotAllowed(["PUT", "DELETE"]));

export const action = ({ request, params }: ActionFunctionArgs) =>
  withApi(request, async ({ shop, database }) => {
    const variantGid = parseVariantId(params.variantId);
    if (!variantGid)
      return apiError(400, "invalid_variant_id", "variantId must be digits or gid://shopify/ProductVariant/<digits>");
    const channel = channelIdSchema.safeParse(params.channel);
    if (!channel.success) return apiError(400, "invalid_channel", "channel must be one of online_store, meta, google");
    const nowMs = Date.now();

    if (request.method === "DELETE") {
      const cleared = await clearOverride(database, { shop, channel: channel.data, variantGid, nowMs, source: "api" });
      if (!cleared) return apiError(404, "override_not_found", "this item has no override on this channel");
      return new Response(null, { status: 204 });
    }
    if (request.method !== "PUT") return methodNotAllowed(["PUT", "DELETE"]);

    const body = await jsonBody(request);
    if (body === null) return apiError(400, "invalid_json", "the body must be JSON");
    const parsed = overrideBody.safeParse(body);
    if (!parsed.success)
      return apiError(
        400,
        "invalid_body",
        "the body does not match {quantity, expiresAt, reason?}",
        zodDetails(parsed.error.issues),
      );
    const result = await setOverride(database, {
      shop,
      channel: channel.data,
      variantGid,
      quantity: parsed.data.quantity,
      expiresAtMs: Date.parse(parsed.data.expiresAt),
      reason: parsed.data.reason ?? null,
      nowMs,
      source: "api",
    });
    if (!result.ok) {
      const { code, message, ...details } = result.error;
      return apiError(STATUS_BY_CODE[code] ?? 400, code, message, Object.keys(details).length ? details : undefined);
    }
    return Response.json({ override: result.override });
  });
