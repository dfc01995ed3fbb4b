// Generates app/shopify/generated/admin-types.ts: TypeScript types for every GraphQL
// document the app sends to Shopify (the `#graphql` template literals under app/), from
// Shopify's own Admin introspection vendored in sim/fakes/shopify/artifacts/ (offline; see
// scripts/update-shopify-schema.mjs). Every operation must be named: its name gives the
// types their names (`query BallastLocations` → BallastLocationsQuery and
// BallastLocationsQueryVariables).
//
//   npm run graphql:types
//
// scripts/generate-graphql-types.test.ts regenerates in memory and fails when the committed
// file differs (a document changed without running this).
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { codegen } from "@graphql-codegen/core";
import * as typescriptOperations from "@graphql-codegen/typescript-operations";
import {
  GraphQLError,
  Kind,
  parse,
  printSchema,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import * as prettier from "prettier";
import { loadRealAdminSchema, realSchemaSource } from "../sim/fakes/shopify/schema-contract";
import { graphqlDocumentsIn, sourceFilesUnder } from "./graphql-documents";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const ADMIN_TYPES_FILE = "app/shopify/generated/admin-types.ts";
const ARTIFACTS = "sim/fakes/shopify/artifacts";
const ADMIN_CLIENT = "app/shopify/admin-client.server.ts";
/** Folders under app/ that hold no documents the app sends (generated code). */
const SKIPPED = ["app/generated", "app/shopify/generated"];

/**
 * How Shopify serialises each scalar in JSON. The 64-bit and decimal scalars come as
 * strings (UnsignedInt64 "12", Decimal "1.50", Money "1.50"); a scalar Shopify adds later is
 * `unknown` until it is mapped here.
 */
const SCALARS: Record<string, string> = {
  ID: "string",
  String: "string",
  Boolean: "boolean",
  Int: "number",
  Float: "number",
  ARN: "string",
  BigInt: "string",
  Color: "string",
  Date: "string",
  DateTime: "string",
  Decimal: "string",
  FormattedString: "string",
  HTML: "string",
  JSON: "unknown",
  Money: "string",
  StorefrontID: "string",
  URL: "string",
  UnsignedInt64: "string",
  UtcOffset: "string",
};

export interface AdminDocument {
  /** Repository-relative path of the file holding the document. */
  file: string;
  /** 1-based line of the template literal. */
  line: number;
  /** The document as sent (substitutions resolved). */
  source: string;
}

export class DocumentProblem extends Error {
  override name = "DocumentProblem";
}

/** An operation written out in a string: `query Name(…) {`, `mutation {`… */
const UNTAGGED_OPERATION = /^\s*(query|mutation|subscription)\b\s*[A-Za-z_]?\w*\s*(\([^)]*\))?\s*\{/;

/** The `#graphql` documents of one file; a splice that cannot be read, or an operation string not tagged, is refused. */
export function documentsInSource(file: string, text: string): AdminDocument[] {
  const { found, problems } = graphqlDocumentsIn(file, text);
  if (problems.length > 0) throw new DocumentProblem(problems.join("\n"));
  const untagged = found.find((document) => !document.tagged && UNTAGGED_OPERATION.test(document.text));
  if (untagged) {
    throw new DocumentProblem(
      `${untagged.file}:${untagged.line}: a GraphQL operation without the #graphql tag; start the literal with #graphql so its types are generated`,
    );
  }
  // Untagged documents left are bulk queries: a string argument, not a request, not typed.
  return found
    .filter((document) => document.tagged)
    .map((document) => ({ file: document.file, line: document.line, source: document.text }));
}

/** Every document the app sends to Shopify, file by file in path order. */
export function findAdminDocuments(root = ROOT): AdminDocument[] {
  return sourceFilesUnder(root, "app", SKIPPED).flatMap((file) => {
    const text = readFileSync(path.join(root, file), "utf8");
    return text.includes("#graphql") || /\b(query|mutation)\b/.test(text) ? documentsInSource(file, text) : [];
  });
}

/** The vendored introspection of the API version the app calls (ADMIN_API_VERSION). */
export function loadAdminSchema(root = ROOT): { schema: GraphQLSchema; apiVersion: string; file: string } {
  const client = readFileSync(path.join(root, ADMIN_CLIENT), "utf8");
  const apiVersion = /export const ADMIN_API_VERSION = "([^"]+)"/.exec(client)?.[1];
  if (!apiVersion) throw new Error(`ADMIN_API_VERSION not found in ${ADMIN_CLIENT}`);
  const source = realSchemaSource();
  if (source.apiVersion !== apiVersion) {
    throw new Error(
      `${ARTIFACTS}/source.json vendors Admin ${source.apiVersion}, the app calls ${apiVersion} (node scripts/update-shopify-schema.mjs <dev-mcp version> ${apiVersion})`,
    );
  }
  return { schema: loadRealAdminSchema(), apiVersion, file: `${ARTIFACTS}/${source.file}` };
}

/** Parses the documents and checks each holds named operations only, unique across the app, valid against the schema. */
export function parseAdminDocuments(documents: readonly AdminDocument[], schema: GraphQLSchema): DocumentNode[] {
  const names = new Map<string, string>();
  return documents.map((document) => {
    const where = `${document.file}:${document.line}`;
    let parsed: DocumentNode;
    try {
      parsed = parse(document.source);
    } catch (error) {
      throw new DocumentProblem(`${where}: ${error instanceof GraphQLError ? error.message : String(error)}`);
    }
    for (const definition of parsed.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) {
        throw new DocumentProblem(`${where}: only operations are supported (found a ${definition.kind})`);
      }
      const name = (definition as OperationDefinitionNode).name?.value;
      if (!name) throw new DocumentProblem(`${where}: every operation needs a name (e.g. \`query BallastSomething\`)`);
      const earlier = names.get(name);
      if (earlier) throw new DocumentProblem(`${where}: operation ${name} is already defined at ${earlier}`);
      names.set(name, where);
    }
    const errors = validate(schema, parsed);
    if (errors.length) {
      throw new DocumentProblem(
        `${where}: does not validate against the Admin schema:\n${errors.map((error) => `  - ${error.message}`).join("\n")}`,
      );
    }
    return parsed;
  });
}

/** The contents of ADMIN_TYPES_FILE for the documents in the tree, formatted as the repository formats it. */
export async function generateAdminTypes(root = ROOT): Promise<string> {
  const { schema, apiVersion, file } = loadAdminSchema(root);
  const documents = findAdminDocuments(root);
  const parsed = parseAdminDocuments(documents, schema);
  const generated = await codegen({
    filename: ADMIN_TYPES_FILE,
    // The schema goes in as a plain AST: under vitest this file's `graphql` (ESM) is not the
    // instance codegen loads (CJS), and a GraphQLSchema object cannot cross between them.
    schema: parse(printSchema(schema)),
    documents: parsed.map((document, index) => ({ location: documents[index]!.file, document })),
    plugins: [{ "typescript-operations": {} }],
    pluginMap: { "typescript-operations": typescriptOperations },
    config: {
      // typescript-operations 6 writes only the enums and input types the operations use
      // (the `typescript` plugin, even with onlyOperationTypes, would write all ~27,000 lines of them).
      onlyOperationTypes: true,
      skipTypename: true,
      scalars: SCALARS,
      defaultScalarType: "unknown",
      enumType: "string-literal",
      arrayInputCoercion: false,
    },
  });
  const files = [...new Set(documents.map((document) => document.file))];
  const header = [
    "// Generated by scripts/generate-graphql-types.ts (npm run graphql:types): do not edit.",
    `// From ${file} (Admin API ${apiVersion}) and the #graphql documents in:`,
    ...files.map((name) => `//   ${name}`),
    "",
  ].join("\n");
  const options = await prettier.resolveConfig(path.join(root, ADMIN_TYPES_FILE));
  return prettier.format(`${header}\n${generated}`, { ...options, filepath: path.join(root, ADMIN_TYPES_FILE) });
}

async function main(): Promise<void> {
  const contents = await generateAdminTypes();
  const target = path.join(ROOT, ADMIN_TYPES_FILE);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, contents);
  const operations = (contents.match(/^export type \w+(Query|Mutation) =/gm) ?? []).length;
  console.log(`graphql:types: ${operations} operations → ${ADMIN_TYPES_FILE}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof DocumentProblem ? `graphql:types: ${error.message}` : error);
    process.exitCode = 1;
  });
}
