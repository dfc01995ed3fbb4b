import {
  execute,
  getNamedType,
  isObjectType,
  Kind,
  parse,
  validate,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { rootValue, type ResolverContext } from "./resolvers";

/**
 * Bulk query execution (shopify.dev/docs/api/usage/bulk-operations/queries): the query
 * runs over every node (no page limits), and the result is flattened to JSONL — one line
 * per node of every connection, nested connection nodes carrying `__parentId`, the id of
 * the node they belong to, and appearing after it.
 */
export function runBulkQuery(
  schema: GraphQLSchema,
  context: ResolverContext,
  query: string,
): { lines: string[]; rootObjectCount: number } | { error: string } {
  let document;
  try {
    document = parse(query);
  } catch (error) {
    return { error: `Invalid bulk query: ${(error as Error).message}` };
  }
  const validationErrors = validate(schema, document);
  if (validationErrors.length) return { error: `Invalid bulk query: ${validationErrors[0]!.message}` };
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (operations.length !== 1 || operations[0]!.operation !== "query")
    return { error: "Bulk queries must contain exactly one query operation." };
  const queryType = schema.getQueryType()!;
  const hasConnection = operations[0]!.selectionSet.selections.some((selection) => {
    if (selection.kind !== Kind.FIELD) return false;
    const field = queryType.getFields()[selection.name.value];
    const named = field ? getNamedType(field.type) : undefined;
    return !!named && isObjectType(named) && named.name.endsWith("Connection");
  });
  if (!hasConnection) return { error: "Bulk queries must contain at least one connection." };

  const result = execute({ schema, document, rootValue, contextValue: { ...context, bulk: true } });
  if ("then" in result) return { error: "Bulk query resolvers must be synchronous." };
  if (result.errors?.length) return { error: result.errors[0]!.message };

  const lines: string[] = [];
  let rootObjectCount = 0;
  for (const value of Object.values(result.data ?? {})) {
    for (const node of connectionNodes(value) ?? []) {
      rootObjectCount += 1;
      emit(node, undefined, lines);
    }
  }
  return { lines, rootObjectCount };
}

function connectionNodes(value: unknown): unknown[] | undefined {
  if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
  const record = value as { edges?: { node?: unknown }[]; nodes?: unknown[] };
  if (Array.isArray(record.edges)) return record.edges.map((edge) => edge.node);
  if (Array.isArray(record.nodes)) return record.nodes;
  return undefined;
}

function emit(node: unknown, parentId: string | undefined, lines: string[]): void {
  const children: { nodes: unknown[]; parentId: string | undefined }[] = [];
  const ownId = node && typeof node === "object" ? ((node as { id?: unknown }).id as string | undefined) : undefined;
  const stripped = strip(node, ownId ?? parentId, children);
  const line = parentId === undefined ? stripped : { ...(stripped as object), __parentId: parentId };
  lines.push(JSON.stringify(line));
  for (const child of children) for (const childNode of child.nodes) emit(childNode, child.parentId, lines);
}

/** Removes nested connections from a node (they become their own lines) and keeps the rest inline. */
function strip(
  value: unknown,
  nearestId: string | undefined,
  children: { nodes: unknown[]; parentId: string | undefined }[],
): unknown {
  if (!value || typeof value !== "object" || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    const nodes = connectionNodes(entry);
    if (nodes) {
      children.push({ nodes, parentId: nearestId });
      continue;
    }
    out[key] = strip(entry, nearestId, children);
  }
  return out;
}
