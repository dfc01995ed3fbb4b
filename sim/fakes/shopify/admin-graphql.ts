/**
 * The Admin GraphQL endpoint: failure switches, the token's shop, the document parsed and
 * validated once, its cost taken from the shop's bucket, execution, and Shopify's answer
 * shapes (errors, extensions.cost) at each step.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { execute, parse, validate, type GraphQLError, type ExecutionResult } from "graphql";
import { readText } from "../http";
import { runBulkQuery } from "./bulk";
import { queryCost, selectOperation, SINGLE_QUERY_MAX_COST, type CostBucket } from "./cost";
import { rootValue, type ResolverContext } from "./resolvers";
import { shopByToken, type CheckedDocument, type ServerState } from "./server-state";
import { TopLevelError, type FakeShopState } from "./store";
import type { RequestLogEntry } from "./types";

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "X-Request-Id": randomUUID(),
    ...headers,
  });
  response.end(text);
}

/** Shopify's own messages for validation errors (`Field 'x' doesn't exist on type 'Y'`, code undefinedField). */
function shopifyValidationError(error: GraphQLError) {
  const unknownField = /^Cannot query field "([^"]+)" on type "([^"]+)"\./.exec(error.message);
  const base = { locations: error.locations?.map(({ line, column }) => ({ line, column })) };
  if (unknownField) {
    return {
      message: `Field '${unknownField[1]}' doesn't exist on type '${unknownField[2]}'`,
      ...base,
      extensions: { code: "undefinedField", typeName: unknownField[2], fieldName: unknownField[1] },
    };
  }
  return { message: error.message, ...base, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } };
}

function formatExecutionError(error: GraphQLError) {
  const original = error.originalError;
  const code =
    original instanceof TopLevelError
      ? original.code
      : ((error.extensions["code"] as string | undefined) ?? "INTERNAL_SERVER_ERROR");
  return {
    message: error.message,
    locations: error.locations?.map(({ line, column }) => ({ line, column })),
    path: error.path,
    extensions: { code, ...(original instanceof TopLevelError ? original.extra : {}) },
  };
}

function maxCostExceeded(requested: number) {
  return {
    message: `Query cost is ${requested}, which exceeds the single query max cost limit (${SINGLE_QUERY_MAX_COST}).\n\nSee https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\nSee https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n`,
    extensions: {
      code: "MAX_COST_EXCEEDED",
      cost: requested,
      maxCost: SINGLE_QUERY_MAX_COST,
      documentation: "https://shopify.dev/api/usage/limits#rate-limits",
    },
  };
}

const THROTTLED = {
  message: "Throttled",
  extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/limits#rate-limits" },
};

function answer503(log: RequestLogEntry, response: ServerResponse): void {
  log.status = 503;
  response.writeHead(503, { "Content-Type": "text/html" });
  response.end("<html><body><h1>503 Service Unavailable</h1></body></html>");
}

/** hangNext, slowMs, serverErrorNext / serverErrorRate, before anything else: true when the request is answered (or left hanging). */
async function injectedFailure(state: ServerState, log: RequestLogEntry, response: ServerResponse): Promise<boolean> {
  const { failures } = state;
  if (failures.hangNext > 0) {
    failures.hangNext -= 1;
    log.status = 0;
    state.hanging.add(response);
    response.on("close", () => state.hanging.delete(response));
    return true;
  }
  if (failures.slowMs > 0) await new Promise((resolve) => setTimeout(resolve, failures.slowMs));
  // Read again: the switches may have been replaced (setFailureModes) while the answer waited.
  const after = state.failures;
  if (after.serverErrorNext > 0 || (after.serverErrorRate > 0 && state.random() < after.serverErrorRate)) {
    if (after.serverErrorNext > 0) after.serverErrorNext -= 1;
    answer503(log, response);
    return true;
  }
  return false;
}

interface GraphqlRequest {
  query: string;
  variables: Record<string, unknown>;
  operationName: string | null;
}

/** The POST body: `query` required, `variables` and `operationName` optional; null when malformed. */
function readGraphqlRequest(rawBody: string): GraphqlRequest | null {
  let body: { query?: unknown; variables?: unknown; operationName?: unknown };
  try {
    body = JSON.parse(rawBody) as typeof body;
  } catch {
    return null;
  }
  if (typeof body.query !== "string") return null;
  const variables =
    body.variables && typeof body.variables === "object" ? (body.variables as Record<string, unknown>) : {};
  const operationName = typeof body.operationName === "string" ? body.operationName : null;
  return { query: body.query, variables, operationName };
}

/** Clients send the same few documents over and over: each is parsed and validated once. A syntax error is returned, not cached. */
function checkedDocument(state: ServerState, query: string): CheckedDocument | { syntaxError: GraphQLError } {
  const known = state.checkedDocuments.get(query);
  if (known) return known;
  let checked: CheckedDocument;
  try {
    const parsed = parse(query);
    checked = { document: parsed, validationErrors: validate(state.schema, parsed) };
  } catch (error) {
    return { syntaxError: error as GraphQLError };
  }
  if (state.checkedDocuments.size >= 500) state.checkedDocuments.clear();
  state.checkedDocuments.set(query, checked);
  return checked;
}

function resolverContext(state: ServerState, shop: FakeShopState): ResolverContext {
  const context: ResolverContext = {
    shop,
    bulk: false,
    baseUrl: state.baseUrl,
    bulkBehaviour: state.bulkBehaviour,
    runBulkQuery: (query) => runBulkQuery(state.schema, context, query),
  };
  return context;
}

/** failAfterCommitNext: a mutation (of the named item, when failAfterCommitOnly is set) whose answer is lost after it committed. */
function losesAnswerAfterCommit(
  state: ServerState,
  operation: "query" | "mutation" | "subscription" | null,
  variables: Record<string, unknown>,
): boolean {
  const { failures } = state;
  // Quoted: the exact id, not a longer one it prefixes (…/Item/12 inside …/Item/123).
  const failureApplies =
    failures.failAfterCommitOnly === null ||
    JSON.stringify(variables ?? {}).includes(JSON.stringify(failures.failAfterCommitOnly));
  if (failures.failAfterCommitNext > 0 && operation === "mutation" && failureApplies) {
    failures.failAfterCommitNext -= 1;
    return true;
  }
  return false;
}

/** A request with a shop and a body: the answers from the document's check to its execution. */
function answerOperation(
  state: ServerState,
  shop: FakeShopState,
  request: GraphqlRequest,
  log: RequestLogEntry,
  response: ServerResponse,
): void {
  const reply = (status: number, body: unknown) => {
    log.status = status;
    sendJson(response, status, body);
  };
  const { query, variables, operationName } = request;
  const { schema } = state;
  const bucket: CostBucket = state.buckets.get(shop.domain)!;
  const costExtension = (requested: number, actual: number | null) => ({
    cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: bucket.status() },
  });

  const checked = checkedDocument(state, query);
  if ("syntaxError" in checked) {
    const { syntaxError } = checked;
    return reply(200, {
      errors: [{ message: syntaxError.message, locations: syntaxError.locations, extensions: { code: "parseError" } }],
      extensions: costExtension(0, 0),
    });
  }
  const { document, validationErrors } = checked;
  if (validationErrors.length)
    return reply(200, { errors: validationErrors.map(shopifyValidationError), extensions: costExtension(0, 0) });
  const operation = selectOperation(document, operationName);
  log.operation = operation?.operation ?? null;
  log.operationName = operationName ?? operation?.name?.value ?? null;

  const requested = queryCost(schema, document, { operationName, variables });
  log.requestedQueryCost = requested;
  if (requested > SINGLE_QUERY_MAX_COST)
    return reply(200, { errors: [maxCostExceeded(requested)], extensions: costExtension(requested, null) });
  const forcedThrottle = state.failures.throttleNext > 0;
  if (forcedThrottle) state.failures.throttleNext -= 1;
  if (forcedThrottle || !bucket.take(requested)) {
    log.throttled = true;
    return reply(state.failures.throttleHttpStatus, {
      errors: [THROTTLED],
      extensions: costExtension(requested, null),
    });
  }

  const result = execute({
    schema,
    document,
    rootValue,
    contextValue: resolverContext(state, shop),
    variableValues: variables,
    operationName,
  }) as ExecutionResult;
  const actual = result.data
    ? Math.min(requested, queryCost(schema, document, { operationName, variables, data: result.data }))
    : requested;
  bucket.refund(requested - actual);
  if (losesAnswerAfterCommit(state, log.operation, variables)) return answer503(log, response);
  const answer: Record<string, unknown> = {};
  if (result.errors?.length) answer["errors"] = result.errors.map(formatExecutionError);
  answer["data"] = result.data ?? null;
  answer["extensions"] = costExtension(requested, actual);
  reply(200, answer);
}

/** POST /admin/api/{version}/graphql.json; every request is logged in `requests`. */
export async function handleGraphql(
  state: ServerState,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const log: RequestLogEntry = {
    shop: null,
    operationName: null,
    operation: null,
    status: 200,
    throttled: false,
    requestedQueryCost: null,
    variables: {},
  };
  state.requests.push(log);
  const reply = (status: number, body: unknown) => {
    log.status = status;
    sendJson(response, status, body);
  };
  const rawBody = await readText(request);
  if (await injectedFailure(state, log, response)) return;

  const shop = shopByToken(state, request.headers["x-shopify-access-token"] as string | undefined);
  if (!shop)
    return reply(401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
  log.shop = shop.domain;

  const graphqlRequest = readGraphqlRequest(rawBody);
  if (!graphqlRequest) return reply(400, { errors: { query: "Required parameter missing or invalid" } });
  log.variables = graphqlRequest.variables;
  log.operationName = graphqlRequest.operationName;
  answerOperation(state, shop, graphqlRequest, log, response);
}
