import { authenticate, database } from "~/shopify.server";
import type { Database } from "~/db.server";
import { logger } from "~/logger.server";

/**
 * /api/v1 plumbing: session-token (Bearer) authentication through Shopify's library, and
 * every answer as JSON — errors as `{ error: { code, message, details? } }`.
 */
export interface ApiContext {
  shop: string;
  database: Database;
  /** Adds the CORS headers Shopify's library computed for this request. */
  cors: (response: Response) => Response;
}

export function apiError(
  status: number,
  code: string,
  message: string,
  details?: unknown,
  headers?: HeadersInit,
): Response {
  return Response.json(
    { error: { code, message, ...(details === undefined ? {} : { details }) } },
    { status, headers },
  );
}

const AUTH_MESSAGES: Record<number, [string, string]> = {
  401: ["unauthorized", "a valid session token is required (Authorization: Bearer <token>)"],
  403: ["forbidden", "this session may not use the API"],
  410: ["gone", "requests from bots and crawlers are refused"],
};

/** Runs `handler` for an authenticated shop; authentication failures become JSON 4xx bodies. */
export async function withApi(
  request: Request,
  handler: (context: ApiContext) => Promise<Response>,
): Promise<Response> {
  let context: ApiContext;
  try {
    const { session, cors } = await authenticate.admin(request);
    context = { shop: session.shop, database, cors: (response) => cors(response) };
  } catch (thrown) {
    if (thrown instanceof Response) {
      const [code, message] =
        AUTH_MESSAGES[thrown.status] ??
        (thrown.status >= 300 && thrown.status < 400 ? AUTH_MESSAGES[401]! : ["unauthorized", "authentication failed"]);
      // Keep Shopify's headers (e.g. X-Shopify-Retry-Invalid-Session-Request) but answer JSON, never a redirect.
      const status = thrown.status >= 400 ? thrown.status : 401;
      const headers = new Headers(thrown.headers);
      headers.delete("Location");
      headers.delete("Content-Type");
      return apiError(status, code, message, undefined, headers);
    }
    throw thrown;
  }
  try {
    return context.cors(await handler(context));
  } catch (error) {
    if (error instanceof Response) return context.cors(error);
    logger.error({ err: error, shop: context.shop, path: new URL(request.url).pathname }, "api request failed");
    return context.cors(apiError(500, "internal", "the request could not be completed"));
  }
}

/** Bodies of /api/v1 requests are a few fields; anything larger is refused before it is read whole. */
export const MAX_API_BODY_BYTES = 64 * 1024;

// Closes the connection: the rest of the body may still be on its way (see stock-webhook.server.ts).
const bodyTooLarge = () =>
  apiError(413, "body_too_large", `the body must be at most ${MAX_API_BODY_BYTES / 1024} KB`, undefined, {
    Connection: "close",
  });

/** The body as text, or null once it passes `limit` bytes (reading stops there). */
async function limitedText(request: Request, limit: number): Promise<string | null> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Parses a JSON body; null when it is not JSON. Throws a 413 answer past MAX_API_BODY_BYTES. */
export async function jsonBody(request: Request): Promise<unknown | null> {
  if (Number(request.headers.get("content-length") ?? "0") > MAX_API_BODY_BYTES) throw bodyTooLarge();
  const text = await limitedText(request, MAX_API_BODY_BYTES);
  if (text === null) throw bodyTooLarge();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export function zodDetails(issues: readonly { path: (string | number)[]; message: string }[]) {
  return issues.map((issue) => ({ field: issue.path.join("."), message: issue.message }));
}

export function methodNotAllowed(allowed: string[]): Response {
  return apiError(405, "method_not_allowed", `use ${allowed.join(" or ")}`, undefined, { Allow: allowed.join(", ") });
}
