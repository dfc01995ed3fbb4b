import type { LoaderFunctionArgs } from "@remix-run/node";
import { serveFeed } from "~/monitor/feeds.server";
import { database } from "~/shopify.server";

/**
 * GET /feeds/{token}/{format}: a channel's fallback feed (docs/fallback-feeds.md).
 * The unguessable token is the authentication; unknown tokens and formats get 404.
 */
export const loader = async ({ params }: LoaderFunctionArgs) => {
  const feed = await serveFeed(database, params.token ?? "", params.format ?? "", new Date());
  if (!feed) return new Response("Not found", { status: 404, headers: { "cache-control": "no-store" } });
  return new Response(feed.body, {
    status: 200,
    headers: {
      "content-type": feed.contentType,
      "cache-control": "no-store",
      "x-robots-tag": "noindex",
      "referrer-policy": "no-referrer",
    },
  });
};
