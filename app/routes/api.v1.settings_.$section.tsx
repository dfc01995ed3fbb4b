import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { apiError, jsonBody, methodNotAllowed, withApi, zodDetails, type ApiContext } from "~/web/api.server";
import {
  loadSettings,
  rotateWebhookSecret,
  saveAutoProtect,
  saveDelivery,
  saveThresholds,
  sendTestDelivery,
  settingsDependencies,
} from "~/web/settings.server";

/**
 * PUT /api/v1/settings/delivery | thresholds | auto-protect (the same checks and Activity
 * entries as the Settings page); POST /api/v1/settings/webhook-secret (a new signing secret,
 * returned once) and POST /api/v1/settings/test-delivery {target: "email" | "webhook"}.
 */
const SAVES = { delivery: saveDelivery, thresholds: saveThresholds, "auto-protect": saveAutoProtect } as const;
const POSTS = new Set(["webhook-secret", "test-delivery"]);
const testBody = z.object({ target: z.enum(["email", "webhook"]) }).strict();

const allowed = (section: string | undefined) =>
  section && Object.hasOwn(SAVES, section) ? ["PUT"] : POSTS.has(section ?? "") ? ["POST"] : null;
const notFound = () =>
  apiError(404, "not_found", "use /delivery, /thresholds, /auto-protect, /webhook-secret or /test-delivery");

export const loader = ({ request, params }: LoaderFunctionArgs) =>
  withApi(request, async () => {
    const methods = allowed(params.section);
    return methods ? methodNotAllowed(methods) : notFound();
  });

async function save(request: Request, section: keyof typeof SAVES, { shop, database }: ApiContext) {
  const body = await jsonBody(request);
  if (body === null) return apiError(400, "invalid_json", "the body must be JSON");
  const result = await SAVES[section](
    database,
    { shop, body, source: "api", nowMs: Date.now() },
    settingsDependencies(),
  );
  if (!result.ok)
    return apiError(400, "invalid_body", `the body is not valid ${section} settings`, zodDetails(result.issues));
  return Response.json({
    settings: await loadSettings(database, shop),
    changed: result.changed,
    ...(result.generatedWebhookSecret ? { webhookSecret: result.generatedWebhookSecret } : {}),
  });
}

async function testDelivery(request: Request, { shop, database }: ApiContext) {
  const body = await jsonBody(request);
  if (body === null) return apiError(400, "invalid_json", "the body must be JSON");
  const parsed = testBody.safeParse(body);
  if (!parsed.success)
    return apiError(400, "invalid_body", "the body does not match {target}", zodDetails(parsed.error.issues));
  const result = await sendTestDelivery(
    database,
    { shop, target: parsed.data.target, source: "api", nowMs: Date.now() },
    settingsDependencies(),
  );
  if (!result.ok) return apiError(409, "not_configured", `${result.target} delivery is not set up`);
  const { ok: _ok, ...outcome } = result;
  return Response.json(outcome);
}

export const action = ({ request, params }: ActionFunctionArgs) =>
  withApi(request, async (context) => {
    const section = params.section ?? "";
    const methods = allowed(section);
    if (!methods) return notFound();
    if (!methods.includes(request.method)) return methodNotAllowed(methods);
    if (Object.hasOwn(SAVES, section)) return save(request, section as keyof typeof SAVES, context);
    if (section === "test-delivery") return testDelivery(request, context);
    const rotated = await rotateWebhookSecret(
      context.database,
      { shop: context.shop, source: "api", nowMs: Date.now() },
      settingsDependencies(),
    );
    if (!rotated.ok) return apiError(409, rotated.error, "save a webhook address first");
    return Response.json({ webhookSecret: rotated.webhookSecret });
  });
