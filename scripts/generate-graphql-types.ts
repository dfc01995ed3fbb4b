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
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gunzipSync } from "node:zlib";
import { codegen } from "@graphql-codegen/core";
import * as typescriptOperations from "@graphql-codegen/typescript-operations";
import {
  buildClientSchema,
  GraphQLError,
  Kind,
  parse,
  printSchema,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type IntrospectionQuery,
  type OperationDefinitionNode,
} from "graphql";
import * as prettier from "prettier";
import ts from "typescript";

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

function sourceFiles(root: string, folder: string): string[] {
  const files: string[] = [];
  const walk = (relative: string) => {
    if (SKIPPED.includes(relative)) return;
    for (const entry of readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const child = `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts"))
        files.push(child);
    }
  };
  walk(folder);
  return files.sort();
}

const TAG = /^\s*#graphql\b/;
/** An operation written out in a string: `query Name(…) {`, `mutation {`… */
const UNTAGGED_OPERATION = /^\s*(query|mutation|subscription)\b\s*[A-Za-z_]?\w*\s*(\([^)]*\))?\s*\{/;

/** The text of a string or template literal, with `${NAME}` replaced by same-file string constants. */
function literalText(node: ts.Node, constants: Map<string, ts.Expression>, where: string, seen: string[]): string {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) {
    let text = node.head.text;
    for (const span of node.templateSpans) {
      text += substitution(span.expression, constants, where, seen) + span.literal.text;
    }
    return text;
  }
  throw new DocumentProblem(`${where}: a GraphQL document must be a string or template literal`);
}

function substitution(expression: ts.Expression, constants: Map<string, ts.Expression>, where: string, seen: string[]) {
  const name = ts.isIdentifier(expression) ? expression.text : null;
  const initializer = name === null ? undefined : constants.get(name);
  if (name === null || initializer === undefined || seen.includes(name)) {
    throw new DocumentProblem(
      `${where}: \${${expression.getText()}} is not a string constant declared in the same file; ` +
        "a document may only splice in same-file `const` strings (so it can be read without running the app)",
    );
  }
  return literalText(initializer, constants, where, [...seen, name]);
}

/** The `#graphql` documents of one file, and a complaint for any operation string not tagged. */
export function documentsInSource(file: string, text: string): AdminDocument[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const constants = new Map<string, ts.Expression>();
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement) || !(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.initializer) {
        constants.set(declaration.name.text, declaration.initializer);
      }
    }
  }
  const documents: AdminDocument[] = [];
  const visit = (node: ts.Node): void => {
    const head = ts.isTemplateExpression(node)
      ? node.head.text
      : ts.isNoSubstitutionTemplateLiteral(node) || ts.isStringLiteral(node)
        ? node.text
        : null;
    if (head !== null) {
      const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      const where = `${file}:${line}`;
      if (TAG.test(head)) {
        documents.push({ file, line, source: literalText(node, constants, where, []) });
        return;
      }
      if (UNTAGGED_OPERATION.test(head)) {
        throw new DocumentProblem(
          `${where}: a GraphQL operation without the #graphql tag; start the literal with #graphql so its types are generated`,
        );
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return documents;
}

/** Every document the app sends to Shopify, file by file in path order. */
export function findAdminDocuments(root = ROOT): AdminDocument[] {
  return sourceFiles(root, "app").flatMap((file) => {
    const text = readFileSync(path.join(root, file), "utf8");
    return text.includes("#graphql") || /\b(query|mutation)\b/.test(text) ? documentsInSource(file, text) : [];
  });
}

/** The vendored introspection of the API version the app calls (ADMIN_API_VERSION). */
export function loadAdminSchema(root = ROOT): { schema: GraphQLSchema; apiVersion: string; file: string } {
  const client = readFileSync(path.join(root, ADMIN_CLIENT), "utf8");
  const apiVersion = /export const ADMIN_API_VERSION = "([^"]+)"/.exec(client)?.[1];
  if (!apiVersion) throw new Error(`ADMIN_API_VERSION not found in ${ADMIN_CLIENT}`);
  const file = `${ARTIFACTS}/admin_${apiVersion}.json.gz`;
  let introspection: { data: IntrospectionQuery };
  try {
    introspection = JSON.parse(gunzipSync(readFileSync(path.join(root, file))).toString("utf8")) as {
      data: IntrospectionQuery;
    };
  } catch (error) {
    throw new Error(
      `${file}: no Admin introspection for ${apiVersion} (node scripts/update-shopify-schema.mjs <dev-mcp version> ${apiVersion}): ${String(error)}`,
    );
  }
  return { schema: buildClientSchema(introspection.data), apiVersion, file };
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
