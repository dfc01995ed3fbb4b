// The GraphQL documents written in the project's TypeScript sources, read statically (no
// code runs). One finder for both readers: the type generator (scripts/generate-graphql-types.ts,
// tagged documents only) and the fake Shopify's contract test (every document, the untagged
// bulk queries included, validated against Shopify's own schema).
import { readdirSync } from "node:fs";
import path from "node:path";
import { parse } from "graphql";
import ts from "typescript";

/** A GraphQL document found in a source file, interpolations resolved. */
export interface FoundDocument {
  /** Repository-relative path of the file holding the document. */
  file: string;
  /** 1-based line of the literal. */
  line: number;
  /** The constant it is assigned to, when it is. */
  name: string | null;
  /** Marked `#graphql` (typed by the generator); untagged ones are bulk queries and the like. */
  tagged: boolean;
  /** The document as sent. */
  text: string;
}

const TAG = /^\s*#graphql\b/;

/** TypeScript sources under `folder` (tests, declarations and `skipped` folders aside), sorted. */
export function sourceFilesUnder(root: string, folder: string, skipped: readonly string[] = []): string[] {
  const files: string[] = [];
  const walk = (relative: string) => {
    if (skipped.includes(relative) || path.basename(relative) === "node_modules") return;
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

/**
 * The string and template literals of one source that hold GraphQL documents: every one
 * marked `#graphql`, and untagged templates that parse as an executable document (a bulk
 * query sent as a string, say; a quoted string such as "{variantId}" is not one). `${NAME}` splices of string constants declared in the same file
 * are resolved; a tagged document with a splice that cannot be read statically is a problem,
 * reported rather than guessed.
 */
export function graphqlDocumentsIn(file: string, text: string): { found: FoundDocument[]; problems: string[] } {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const constants = new Map<string, ts.Expression>();
  const collect = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer)
      constants.set(node.name.text, node.initializer);
    ts.forEachChild(node, collect);
  };
  collect(source);

  const found: FoundDocument[] = [];
  const problems: string[] = [];
  const visit = (node: ts.Node): void => {
    const head = ts.isTemplateExpression(node)
      ? node.head.text
      : ts.isNoSubstitutionTemplateLiteral(node) || ts.isStringLiteral(node)
        ? node.text
        : null;
    if (head === null) {
      ts.forEachChild(node, visit);
      return;
    }
    const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    const tagged = TAG.test(head);
    const resolved = resolveLiteral(node as ts.Expression, constants, []);
    const parent = node.parent;
    const name = ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name) ? parent.name.text : null;
    if (typeof resolved !== "string") {
      if (tagged)
        problems.push(
          `${file}:${line}: \${${resolved.splice}} is not a string constant declared in the same file; ` +
            "a document may only splice in same-file `const` strings (so it can be read without running the app)",
        );
    } else if (tagged || (!ts.isStringLiteral(node) && looksLikeOperation(resolved))) {
      found.push({ file, line, name, tagged, text: resolved });
    }
    // A template's own spans are resolved with it.
  };
  visit(source);
  return { found, problems };
}

/** The literal's text with its splices resolved, or the first splice that cannot be. */
function resolveLiteral(
  expression: ts.Expression,
  constants: Map<string, ts.Expression>,
  seen: readonly string[],
): string | { splice: string } {
  if (ts.isNoSubstitutionTemplateLiteral(expression) || ts.isStringLiteral(expression)) return expression.text;
  if (ts.isParenthesizedExpression(expression) || ts.isAsExpression(expression))
    return resolveLiteral(expression.expression, constants, seen);
  if (ts.isTemplateExpression(expression)) {
    let text = expression.head.text;
    for (const span of expression.templateSpans) {
      const part = resolveSplice(span.expression, constants, seen);
      if (typeof part !== "string") return part;
      text += part + span.literal.text;
    }
    return text;
  }
  return { splice: expression.getText() };
}

function resolveSplice(
  expression: ts.Expression,
  constants: Map<string, ts.Expression>,
  seen: readonly string[],
): string | { splice: string } {
  const name = ts.isIdentifier(expression) ? expression.text : null;
  const initializer = name === null ? undefined : constants.get(name);
  if (name === null || initializer === undefined || seen.includes(name)) return { splice: expression.getText() };
  const resolved = resolveLiteral(initializer, constants, [...seen, name]);
  return typeof resolved === "string" ? resolved : { splice: expression.getText() };
}

/** An untagged string is taken for a GraphQL operation when it parses as one and starts like one. */
function looksLikeOperation(text: string): boolean {
  if (!/^\s*(\{|query\b|mutation\b|subscription\b)/.test(text)) return false;
  try {
    return parse(text).definitions.some((definition) => definition.kind === "OperationDefinition");
  } catch {
    return false;
  }
}
