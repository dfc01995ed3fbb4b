import { readFileSync } from "node:fs";
import path from "node:path";
import { buildSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { adminSchema, ADMIN_SDL, PARTIAL_ENUMS } from "./schema";
import { graphqlDocumentsIn, sourceFilesUnder, type FoundDocument } from "../../../scripts/graphql-documents";
import { documentErrors, loadRealAdminSchema, realSchemaSource, schemaDifferences } from "./schema-contract";

// Shopify's own Admin GraphQL introspection is the fake's contract (issue #20): the fake
// models a subset of it, never something different, and every document the app sends
// validates against it. Loaded once for the file (0.9 MB gzipped, ~0.3 s).
const real = loadRealAdminSchema();
const { apiVersion } = realSchemaSource();
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../..");

function documentsUnder(...folders: string[]): { found: FoundDocument[]; problems: string[] } {
  const found: FoundDocument[] = [];
  const problems: string[] = [];
  for (const folder of folders)
    for (const file of sourceFilesUnder(ROOT, folder, ["app/generated", "sim/fakes/shopify/artifacts"])) {
      const result = graphqlDocumentsIn(file, readFileSync(path.join(ROOT, file), "utf8"));
      found.push(...result.found);
      problems.push(...result.problems);
    }
  return { found, problems };
}

describe(`the fake Shopify's schema against Shopify's Admin GraphQL ${apiVersion} introspection`, () => {
  it("declares only types, fields, arguments, input fields, enum values, interfaces and directives Shopify has, typed identically", () => {
    expect(schemaDifferences(adminSchema(), real, { partialEnums: PARTIAL_ENUMS })).toEqual([]);
  });

  it("names every difference: a wrong type, an invented field, argument or enum value, a missing required argument", () => {
    const wrong = buildSchema(
      ADMIN_SDL.replace("tracked: Boolean!", "tracked: Boolean\n    invented: String")
        .replace(
          "locationId: ID!\n    name: String!\n    ledgerDocumentUri",
          "locationId: ID\n    name: String!\n    ledgerDocumentUri",
        )
        .replace(
          "bulkOperationRunQuery(query: String!, groupObjects: Boolean! = false)",
          "bulkOperationRunQuery(groupObjects: Boolean! = false)",
        )
        .replace("enum ProductStatus {", "enum ProductStatus {\n    HIDDEN"),
    );
    expect(schemaDifferences(wrong, real, { partialEnums: PARTIAL_ENUMS }).sort()).toEqual(
      [
        "ProductStatus.HIDDEN: enum value does not exist on Shopify",
        "InventoryItem.tracked: type is Boolean, Shopify has Boolean!",
        "InventoryItem.invented: field does not exist on Shopify",
        "InventoryMoveQuantityTerminalInput.locationId: input type is ID, Shopify has ID!",
        "Mutation.bulkOperationRunQuery(query:): required on Shopify (String!), missing from the fake",
      ].sort(),
    );
  });

  it("lists a partial enum only with its reason, and never one the fake does not have", () => {
    for (const reason of Object.values(PARTIAL_ENUMS)) expect(reason.length).toBeGreaterThan(20);
    expect(schemaDifferences(adminSchema(), real, { partialEnums: { ...PARTIAL_ENUMS, CurrencyCode: "" } })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^CurrencyCode\.AED: Shopify's enum value is missing/)]),
    );
  });
});

describe(`every GraphQL document the app sends validates against Shopify's Admin ${apiVersion} schema`, () => {
  const { found, problems } = documentsUnder("app", "sim");

  it("finds them (#graphql templates, interpolated fragments resolved, and untagged operations such as the bulk query)", () => {
    expect(problems).toEqual([]);
    const names = found.map((document) => document.name);
    // A floor, not the list: a new document is picked up without touching this test.
    for (const name of [
      "SHOP_HEALTH_QUERY",
      "INVENTORY_MOVE_MUTATION",
      "ITEM_LEVELS_AT_LOCATION_QUERY",
      "BUFFER_METAFIELDS_READ_QUERY",
      "CATALOG_BULK_QUERY",
      "SHOP_ID_QUERY",
      "SHOP_PROFILE_QUERY",
    ])
      expect(names).toContain(name);
    expect(found.find((document) => document.name === "BUFFER_METAFIELDS_READ_QUERY")?.text).toContain("compareDigest");
  });

  it("each one is valid", () => {
    const invalid = found.flatMap((document) =>
      documentErrors(real, document.text).map(
        (message) => `${document.file}:${document.line} ${document.name ?? "(unnamed)"}: ${message}`,
      ),
    );
    expect(invalid).toEqual([]);
  });

  it("an invalid one is reported with its file, line and graphql-js's message", () => {
    const { found: wrong } = graphqlDocumentsIn(
      "example.ts",
      "const FIELDS = `id\n  inventedField`;\nexport const Q = `#graphql\n  query { shop { ${FIELDS} } }`;\n",
    );
    expect(wrong).toHaveLength(1);
    expect(documentErrors(real, wrong[0]!.text)).toEqual([
      expect.stringMatching(/^Cannot query field "inventedField" on type "Shop"\./),
    ]);
    expect(
      graphqlDocumentsIn("example.ts", "export const Q = `#graphql\n  { shop { ${fields()} } }`;\n").problems,
    ).toEqual([
      expect.stringMatching(/^example\.ts:1: \$\{fields\(\)\} is not a string constant declared in the same file/),
    ]);
  });
});
