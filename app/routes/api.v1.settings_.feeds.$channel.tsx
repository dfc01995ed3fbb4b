import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiError, methodNotAllowed, withApi } from "~/web/api.server";
import { isFeedChannel, issueFeedUrl, revokeFeedUrl, settingsDependencies } from "~/web/settings.server";

/**
 * POST /api/v1/settings/feeds/{channel}: issues the channel's fallback feed URL (one per
 * format, returned once), closing the previous one. DELETE: revokes it (it answers 404 after).
 */
export const loader = ({ request }: LoaderFunctionArgs) =>
  withApi(request, async () => methodNotAllowed(["POST", "DELETE"]));

export const action = ({ request, params }: ActionFunctionArgs) =>
  withApi(request, async ({ shop, database }) => {
    if (request.method !== "POST" && request.method !== "DELETE") return methodNotAllowed(["POST", "DELETE"]);
    const channel = params.channel;
    if (!isFeedChannel(channel))
      return apiError(400, "invalid_channel", "channel must be meta or google (the Online Store has no feed)");
    const input = { shop, channel, source: "api" as const, nowMs: Date.now() };
    if (request.method === "DELETE") {
      if (!(await revokeFeedUrl(database, input)))
        return apiError(404, "feed_not_found", "this channel has no open feed URL");
      return new Response(null, { status: 204 });
    }
    return Response.json({ feed: await issueFeedUrl(database, input, settingsDependencies()) }, { status: 201 });
  });
