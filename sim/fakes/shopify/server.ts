/**
 * The fake Shopify as an HTTP server (README.md): the Admin GraphQL endpoint, the token
 * endpoint, signed bulk result files and the control API, each a named handler in one
 * route table.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { closeServer, listen, readText } from "../http";
import { handleGraphql, sendJson } from "./admin-graphql";
import { controls, REMOTE_CONTROLS } from "./controls";
import { partialLines } from "./resolvers";
import { createServerState, type ServerState } from "./server-state";
import type { FakeShopState } from "./store";
import { jsonWithBigInts } from "./webhooks";
import type { FakeShopify, FakeShopifyOptions } from "./types";

export type {
  FailureModes,
  FakeShopify,
  FakeShopifyOptions,
  FakeShopOptions,
  RequestLogEntry,
  SeededProduct,
  SeedProductSpec,
} from "./types";

export const FAKE_API_VERSION = "2026-10";
const GRAPHQL_PATH = `/admin/api/${FAKE_API_VERSION}/graphql.json`;

/** GET /_bulk/{shop}/{id}/{data|partial}.jsonl?sig=…: a signed storage URL (403 with an XML body once expired). */
function handleBulkFile(state: ServerState, url: URL, response: ServerResponse): void {
  const match = /^\/_bulk\/([^/]+)\/(\d+)\/(data|partial)\.jsonl$/.exec(url.pathname);
  const shop = match ? state.shops.get(decodeURIComponent(match[1]!)) : undefined;
  const record = shop && match ? shop.bulkOperations.get(BigInt(match[2]!)) : undefined;
  if (!record || url.searchParams.get("sig") !== record.fileToken) {
    response.writeHead(404, { "Content-Type": "text/plain" });
    response.end("Not Found");
    return;
  }
  if (record.expired) {
    response.writeHead(403, { "Content-Type": "application/xml" });
    response.end(
      "<?xml version='1.0' encoding='UTF-8'?><Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>",
    );
    return;
  }
  const lines = match![3] === "partial" ? partialLines(record) : record.lines;
  response.writeHead(200, { "Content-Type": "application/jsonl" });
  response.end(lines.map((line) => `${line}\n`).join(""));
}

/** POST /admin/oauth/access_token: refreshes of expiring offline tokens (tokens.ts). */
async function handleTokenRequest(
  state: ServerState,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const rawBody = await readText(request);
  const reply = await state.tokens.refresh(request.headers["content-type"], rawBody);
  if (typeof reply.body === "string") {
    response.writeHead(reply.status, { ...reply.headers, "X-Request-Id": randomUUID() });
    response.end(reply.body);
    return;
  }
  sendJson(response, reply.status, reply.body, reply.headers);
}

/** POST /_control/{method} with a JSON array of arguments: the control API over HTTP. */
async function handleControl(
  fake: FakeShopify,
  path: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const args = JSON.parse((await readText(request)) || "[]") as unknown[];
  const method = (fake as unknown as Record<string, unknown>)[path];
  if (!REMOTE_CONTROLS.has(path) || typeof method !== "function")
    return sendJson(response, 404, { error: `unknown control ${path}` });
  try {
    const value = await (method as (...params: unknown[]) => unknown).apply(fake, args);
    response.writeHead(200, { "Content-Type": "application/json" });
    response.end(
      path === "addShop" ? JSON.stringify({ domain: (value as FakeShopState).domain }) : jsonWithBigInts(value ?? null),
    );
  } catch (error) {
    sendJson(response, 400, { error: (error as Error).message });
  }
}

interface Route {
  method: "GET" | "POST";
  matches(pathname: string): boolean;
  /** A promise when the handler is asynchronous: its failure is answered 500. */
  handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> | void;
}

function routes(state: ServerState, fake: FakeShopify): Route[] {
  return [
    {
      method: "POST",
      matches: (path) => path === GRAPHQL_PATH,
      handle: (request, response) => handleGraphql(state, request, response),
    },
    {
      method: "POST",
      matches: (path) => path === "/admin/oauth/access_token",
      handle: (request, response) => handleTokenRequest(state, request, response),
    },
    {
      method: "GET",
      matches: (path) => path.startsWith("/_bulk/"),
      handle: (_request, response, url) => handleBulkFile(state, url, response),
    },
    {
      method: "POST",
      matches: (path) => path.startsWith("/_control/"),
      handle: (request, response, url) =>
        handleControl(fake, url.pathname.slice("/_control/".length), request, response),
    },
  ];
}

function dispatch(table: Route[], request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url ?? "/", "http://fake");
  const route = table.find((candidate) => candidate.method === request.method && candidate.matches(url.pathname));
  if (!route) return sendJson(response, 404, { errors: "Not Found" });
  const answered = route.handle(request, response, url);
  answered?.catch((error: unknown) => {
    if (!response.headersSent) sendJson(response, 500, { errors: [{ message: (error as Error).message }] });
  });
}

export async function startFakeShopify(options: FakeShopifyOptions = {}): Promise<FakeShopify> {
  const state = createServerState(options);
  const server = createServer();
  state.baseUrl = await listen(server, options.port, options.host);
  const fake: FakeShopify = {
    url: state.baseUrl,
    adminUrl: `${state.baseUrl}${GRAPHQL_PATH}`,
    requests: state.requests,
    webhookDeliveries: state.webhookDeliveries,
    close: () => {
      for (const response of state.hanging) response.destroy();
      return closeServer(server);
    },
    ...controls(state),
  };
  // Listening already, but no request can be read before this synchronous continuation of
  // listen's callback ends: the routes are in place for the first one.
  const table = routes(state, fake);
  server.on("request", (request: IncomingMessage, response: ServerResponse) => dispatch(table, request, response));
  for (const shopOptions of options.shops ?? []) fake.addShop(shopOptions);
  return fake;
}
