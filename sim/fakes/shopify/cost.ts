import {
  getNamedType,
  isCompositeType,
  isObjectType,
  isInterfaceType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";

/**
 * Query cost, approximating shopify.dev/docs/api/usage/limits#cost-calculation:
 * - scalars and enums cost 0, an object costs 1;
 * - a connection costs 2 + (first|last) × the cost of one node (requested cost) or
 *   2 + the cost of the nodes really returned (actual cost);
 * - a mutation costs 10 per root field, whatever it selects;
 * - a list that is not a connection costs 1 + the cost of one element (approximation:
 *   Shopify does not document lists of objects such as `quantities(names:)`).
 */
export const MUTATION_COST = 10;
export const SINGLE_QUERY_MAX_COST = 1000;

interface CostContext {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

export function selectOperation(
  document: DocumentNode,
  operationName?: string | null,
): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (operationName) return operations.find((operation) => operation.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

export function queryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  options: { operationName?: string | null; variables?: Record<string, unknown>; data?: unknown } = {},
): number {
  const operation = selectOperation(document, options.operationName);
  if (!operation) return 0;
  if (operation.operation === "mutation") {
    return (
      operation.selectionSet.selections.filter((selection) => selection.kind === Kind.FIELD).length * MUTATION_COST
    );
  }
  const context: CostContext = {
    schema,
    fragments: new Map(
      document.definitions
        .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
        .map((fragment) => [fragment.name.value, fragment]),
    ),
    variables: options.variables ?? {},
  };
  const root = schema.getQueryType();
  if (!root) return 0;
  return selectionCost(context, operation.selectionSet, root, options.data, options.data !== undefined);
}

function collectFields(context: CostContext, selectionSet: SelectionSetNode, out: FieldNode[] = []): FieldNode[] {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) out.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) collectFields(context, selection.selectionSet, out);
    else {
      const fragment = context.fragments.get(selection.name.value);
      if (fragment) collectFields(context, fragment.selectionSet, out);
    }
  }
  return out;
}

function argumentNumber(context: CostContext, field: FieldNode, name: string): number | undefined {
  const argument = field.arguments?.find((candidate) => candidate.name.value === name);
  if (!argument) return undefined;
  const value: ValueNode = argument.value;
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const resolved = context.variables[value.name.value];
    return typeof resolved === "number" ? resolved : undefined;
  }
  return undefined;
}

function fieldType(parent: GraphQLCompositeType, name: string) {
  if (isObjectType(parent) || isInterfaceType(parent)) return parent.getFields()[name]?.type;
  return undefined;
}

function selectionCost(
  context: CostContext,
  selectionSet: SelectionSetNode,
  parent: GraphQLCompositeType,
  data: unknown,
  actual: boolean,
): number {
  let total = 0;
  for (const field of collectFields(context, selectionSet)) {
    if (field.name.value.startsWith("__")) continue;
    const type = fieldType(parent, field.name.value);
    if (!type) continue;
    const named = getNamedType(type);
    if (!isCompositeType(named) || !field.selectionSet) continue;
    const key = field.alias?.value ?? field.name.value;
    const value = actual && data && typeof data === "object" ? (data as Record<string, unknown>)[key] : undefined;
    if (named.name.endsWith("Connection")) {
      total += connectionCost(context, field, named, value, actual);
    } else if (Array.isArray(value)) {
      const first = value[0];
      total += 1 + (first === undefined ? 0 : selectionCost(context, field.selectionSet, named, first, actual));
    } else {
      total += 1 + selectionCost(context, field.selectionSet, named, value, actual);
    }
  }
  return total;
}

function connectionCost(
  context: CostContext,
  field: FieldNode,
  connection: GraphQLCompositeType,
  value: unknown,
  actual: boolean,
): number {
  if (!field.selectionSet) return 2;
  const nodeSelections: { selectionSet: SelectionSetNode; type: GraphQLCompositeType; path: "nodes" | "edges" }[] = [];
  for (const sub of collectFields(context, field.selectionSet)) {
    if (!sub.selectionSet) continue;
    if (sub.name.value === "nodes") {
      const type = getNamedType(fieldType(connection, "nodes")!);
      if (isCompositeType(type)) nodeSelections.push({ selectionSet: sub.selectionSet, type, path: "nodes" });
    } else if (sub.name.value === "edges") {
      const edgeType = getNamedType(fieldType(connection, "edges")!);
      if (!isCompositeType(edgeType)) continue;
      for (const edgeField of collectFields(context, sub.selectionSet)) {
        if (edgeField.name.value !== "node" || !edgeField.selectionSet) continue;
        const nodeType = getNamedType(fieldType(edgeType, "node")!);
        if (isCompositeType(nodeType))
          nodeSelections.push({ selectionSet: edgeField.selectionSet, type: nodeType, path: "edges" });
      }
    }
  }
  if (!actual) {
    const size = argumentNumber(context, field, "first") ?? argumentNumber(context, field, "last") ?? 0;
    const perNode = Math.max(
      1,
      ...nodeSelections.map((node) => 1 + selectionCost(context, node.selectionSet, node.type, undefined, false)),
    );
    return 2 + size * (nodeSelections.length ? perNode : 0);
  }
  if (!value || typeof value !== "object") return 2;
  const record = value as { nodes?: unknown[]; edges?: { node?: unknown }[] };
  const nodes = record.nodes ?? record.edges?.map((edge) => edge.node) ?? [];
  let nodesCost = 0;
  for (const node of nodes) {
    nodesCost += Math.max(
      1,
      ...nodeSelections.map(
        (selection) => 1 + selectionCost(context, selection.selectionSet, selection.type, node, true),
      ),
    );
  }
  return 2 + nodesCost;
}

/** Shopify's leaky bucket: `restoreRate` points come back each second up to `maximumAvailable`. */
export class CostBucket {
  private available: number;
  private updatedAt: number;

  constructor(
    public maximumAvailable: number,
    public restoreRate: number,
    private readonly now: () => number,
  ) {
    this.available = maximumAvailable;
    this.updatedAt = now();
  }

  currentlyAvailable(): number {
    const now = this.now();
    this.available = Math.min(
      this.maximumAvailable,
      this.available + ((now - this.updatedAt) / 1000) * this.restoreRate,
    );
    this.updatedAt = now;
    return this.available;
  }

  /** Takes `cost` points if they are there; false means THROTTLED. */
  take(cost: number): boolean {
    if (this.currentlyAvailable() < cost) return false;
    this.available -= cost;
    return true;
  }

  refund(points: number): void {
    this.currentlyAvailable();
    this.available = Math.min(this.maximumAvailable, this.available + points);
  }

  drain(toPoints = 0): void {
    this.currentlyAvailable();
    this.available = Math.max(0, Math.min(this.available, toPoints));
  }

  status() {
    return {
      maximumAvailable: this.maximumAvailable,
      currentlyAvailable: Math.floor(this.currentlyAvailable()),
      restoreRate: this.restoreRate,
    };
  }
}
