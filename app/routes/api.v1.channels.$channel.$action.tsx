import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { channelIdSchema } from "~/domain";
import { apiError, jsonBody, methodNotAllowed, withApi, zodDetails } from "~/web/api.server";
import { changeChannelState } from "~/web/channels.server";
import { activateChannel, observeChannel } from "~/web/activation.server";

/**
 * POST /api/v1/channels/{channel}/pause {mode?: "stop_selling" | "freeze", reason?}, POST …/resume,
 * POST …/activate (Ballast starts writing to the channel) and POST …/observe (back to observe mode).
 */
const pauseBody = z
  .object({ mode: z.enum(["stop_selling", "freeze"]).default("stop_selling"), reason: z.string().max(500).optional() })
  .strict();

export const loader = ({ request }: LoaderFunctionArgs) => withApi(request, async () => methodNotAllowed(["POST"]));

export const action = ({ request, params }: ActionFunctionArgs) =>
  withApi(request, async ({ shop, database }) => {
    if (request.method !== "POST") return methodNotAllowed(["POST"]);
    const channel = channelIdSchema.safeParse(params.channel);
    if (!channel.success) return apiError(400, "invalid_channel", "channel must be one of online_store, meta, google");
    if (params.action === "activate" || params.action === "observe") {
      const change = { shop, channel: channel.data, source: "api" as const, nowMs: Date.now() };
      const result =
        params.action === "activate" ? await activateChannel(database, change) : await observeChannel(database, change);
      if (!result.ok) return apiError(409, result.error.code, result.error.message);
      return Response.json({
        channel: channel.data,
        mode: result.mode,
        activatedAt: result.activatedAt,
        changed: result.changed,
      });
    }
    if (params.action !== "pause" && params.action !== "resume")
      return apiError(404, "not_found", "use /pause, /resume, /activate or /observe");
    const body = await jsonBody(request);
    if (body === null) return apiError(400, "invalid_json", "the body must be JSON");
    let state: "active" | "paused_stop_selling" | "paused_freeze" = "active";
    let reason: string | null = null;
    if (params.action === "pause") {
      const parsed = pauseBody.safeParse(body);
      if (!parsed.success)
        return apiError(
          400,
          "invalid_body",
          "the body does not match {mode?, reason?}",
          zodDetails(parsed.error.issues),
        );
      state = parsed.data.mode === "freeze" ? "paused_freeze" : "paused_stop_selling";
      reason = parsed.data.reason ?? null;
    }
    const result = await changeChannelState(database, {
      shop,
      channel: channel.data,
      state,
      nowMs: Date.now(),
      source: "api",
      reason,
    });
    if (!result.ok) return apiError(409, result.error.code, result.error.message);
    return Response.json({ channel: channel.data, state, previous: result.previous });
  });
