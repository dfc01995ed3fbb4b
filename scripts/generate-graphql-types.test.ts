import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  ADMIN_TYPES_FILE,
  documentsInSource,
  findAdminDocuments,
  generateAdminTypes,
  loadAdminSchema,
  parseAdminDocuments,
  ROOT,
} from "./generate-graphql-types";

function firstDifference(committed: string, generated: string): string {
  const a = committed.split("\n");
  const b = generated.split("\n");
  const line = a.findIndex((text, index) => text !== b[index]);
  const at = line === -1 ? a.length : line;
  return `line ${at + 1}: committed ${JSON.stringify(a[at] ?? "<end>")}, generated ${JSON.stringify(b[at] ?? "<end>")}`;
}

describe("typed Admin operations (scripts/generate-graphql-types.ts)", () => {
  it("the committed types match the app's documents and the vendored schema", async () => {
    const generated = await generateAdminTypes();
    const committed = readFileSync(path.join(ROOT, ADMIN_TYPES_FILE), "utf8");
    if (committed !== generated) {
      expect.fail(`${ADMIN_TYPES_FILE} is stale (${firstDifference(committed, generated)}): run npm run graphql:types`);
    }
  });

  it("finds every #graphql document the app sends, each a named operation", () => {
    const documents = findAdminDocuments();
    const files = new Set(documents.map((document) => document.file));
    expect(files).toContain("app/shopify/operations/inventory-move.ts");
    expect(files).toContain("app/web/shop-profile.server.ts");
    expect(documents.every((document) => !document.file.endsWith(".test.ts"))).toBe(true);
    // The splice of OWNER_FIELDS is resolved: the document is read as it is sent.
    const buffers = documents.find((document) => document.source.includes("query BallastBufferMetafields"));
    expect(buffers?.source).toContain('synced: metafield(namespace: "$app", key: "buffer_synced")');
    expect(buffers?.source).not.toContain("${");
  });

  it("resolves same-file string constants and refuses anything it cannot read statically", () => {
    const spliced = documentsInSource(
      "app/x.ts",
      "const FIELDS = `id name`;\nexport const Q = `#graphql\n  query BallastX { shop { ${FIELDS} } }`;",
    );
    expect(spliced).toEqual([{ file: "app/x.ts", line: 2, source: "#graphql\n  query BallastX { shop { id name } }" }]);
    expect(() =>
      documentsInSource(
        "app/x.ts",
        'import { F } from "./f";\nexport const Q = `#graphql\n  query X { shop { ${F} } }`;',
      ),
    ).toThrow(/app\/x\.ts:2: \$\{F\} is not a string constant declared in the same file/);
    expect(() =>
      documentsInSource("app/x.ts", "export const Q = `\n  query BallastX($id: ID!) {\n node(id: $id) { id } }`;"),
    ).toThrow(/without the #graphql tag/);
    // A bulk query is a string argument, not a request: not tagged, not an operation, not typed.
    expect(
      documentsInSource("app/x.ts", "export const BULK = `\n  {\n products { edges { node { id } } } }`;"),
    ).toEqual([]);
  });

  it("refuses anonymous operations, duplicate names and documents the schema does not accept", () => {
    const { schema } = loadAdminSchema();
    const at = (source: string, line = 1) => ({ file: "app/x.ts", line, source });
    expect(() => parseAdminDocuments([at("#graphql\n { shop { id } }")], schema)).toThrow(
      /app\/x\.ts:1: every operation needs a name/,
    );
    expect(() =>
      parseAdminDocuments([at("query BallastA { shop { id } }"), at("query BallastA { shop { name } }", 9)], schema),
    ).toThrow(/app\/x\.ts:9: operation BallastA is already defined at app\/x\.ts:1/);
    expect(() => parseAdminDocuments([at("query BallastA { shop { notAField } }")], schema)).toThrow(
      /does not validate against the Admin schema:\n {2}- Cannot query field "notAField" on type "Shop"/,
    );
  });
});
