import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import {
  buildClientSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isRequiredArgument,
  isRequiredInputField,
  isScalarType,
  isSpecifiedDirective,
  isSpecifiedScalarType,
  isUnionType,
  parse,
  validate,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from "graphql";

/**
 * The fake Shopify's contract: Shopify's own Admin GraphQL introspection (artifacts/, see
 * artifacts/source.json and scripts/update-shopify-schema.mjs). The fake's SDL may model a
 * subset of it, never anything different or invented; every document the app sends must
 * validate against it. Used by schema-contract.test.ts.
 */

const ARTIFACTS = path.join(path.dirname(new URL(import.meta.url).pathname), "artifacts");

interface ArtifactSource {
  file: string;
  apiVersion: string;
  package: string;
}

/** Which introspection the contract uses (artifacts/source.json). */
export function realSchemaSource(): ArtifactSource {
  return JSON.parse(readFileSync(path.join(ARTIFACTS, "source.json"), "utf8")) as ArtifactSource;
}

/** Shopify's Admin schema for the vendored API version (0.9 MB gzipped: load it once). */
export function loadRealAdminSchema(): GraphQLSchema {
  const source = realSchemaSource();
  const json = JSON.parse(gunzipSync(readFileSync(path.join(ARTIFACTS, source.file))).toString("utf8")) as {
    data: IntrospectionQuery;
  };
  return buildClientSchema(json.data, { assumeValid: true });
}

export interface ContractOptions {
  /**
   * Enums the fake may model with fewer values than Shopify, each with the reason (shown
   * nowhere but here: a subset has to be argued for). Every other enum must be complete.
   */
  partialEnums?: Readonly<Record<string, string>>;
}

const printDefault = (value: unknown): string => (value === undefined ? "(none)" : JSON.stringify(value));

function compareArguments(
  where: string,
  fakeArgs: readonly GraphQLArgument[],
  realArgs: readonly GraphQLArgument[],
  out: string[],
): void {
  const real = new Map(realArgs.map((arg) => [arg.name, arg]));
  for (const arg of fakeArgs) {
    const match = real.get(arg.name);
    if (!match) {
      out.push(`${where}(${arg.name}:): argument does not exist on Shopify`);
      continue;
    }
    if (String(arg.type) !== String(match.type))
      out.push(`${where}(${arg.name}:): type is ${String(arg.type)}, Shopify has ${String(match.type)}`);
    else if (printDefault(arg.defaultValue) !== printDefault(match.defaultValue))
      out.push(
        `${where}(${arg.name}:): default is ${printDefault(arg.defaultValue)}, Shopify has ${printDefault(match.defaultValue)}`,
      );
  }
  const declared = new Set(fakeArgs.map((arg) => arg.name));
  for (const arg of realArgs)
    if (isRequiredArgument(arg) && !declared.has(arg.name))
      out.push(`${where}(${arg.name}:): required on Shopify (${String(arg.type)}), missing from the fake`);
}

function compareFields(
  typeName: string,
  fakeFields: Record<string, GraphQLField<unknown, unknown>>,
  realFields: Record<string, GraphQLField<unknown, unknown>>,
  out: string[],
): void {
  for (const field of Object.values(fakeFields)) {
    const where = `${typeName}.${field.name}`;
    const match = realFields[field.name];
    if (!match) {
      out.push(`${where}: field does not exist on Shopify`);
      continue;
    }
    if (String(field.type) !== String(match.type))
      out.push(`${where}: type is ${String(field.type)}, Shopify has ${String(match.type)}`);
    compareArguments(where, field.args, match.args, out);
  }
}

function compareInputFields(
  typeName: string,
  fakeFields: Record<string, GraphQLInputField>,
  realFields: Record<string, GraphQLInputField>,
  out: string[],
): void {
  for (const field of Object.values(fakeFields)) {
    const where = `${typeName}.${field.name}`;
    const match = realFields[field.name];
    if (!match) {
      out.push(`${where}: input field does not exist on Shopify`);
      continue;
    }
    if (String(field.type) !== String(match.type))
      out.push(`${where}: input type is ${String(field.type)}, Shopify has ${String(match.type)}`);
    else if (printDefault(field.defaultValue) !== printDefault(match.defaultValue))
      out.push(
        `${where}: default is ${printDefault(field.defaultValue)}, Shopify has ${printDefault(match.defaultValue)}`,
      );
  }
  for (const field of Object.values(realFields))
    if (isRequiredInputField(field) && !fakeFields[field.name])
      out.push(
        `${typeName}.${field.name}: input field required on Shopify (${String(field.type)}), missing from the fake`,
      );
}

const KIND = (type: GraphQLNamedType): string =>
  isObjectType(type)
    ? "object"
    : isInterfaceType(type)
      ? "interface"
      : isUnionType(type)
        ? "union"
        : isEnumType(type)
          ? "enum"
          : isInputObjectType(type)
            ? "input object"
            : "scalar";

/**
 * Every difference between the fake's schema and Shopify's, one line each, named by
 * type, field, argument, input field, enum value, interface or directive. Empty when the
 * fake models a subset of Shopify's schema exactly.
 */
export function schemaDifferences(fake: GraphQLSchema, real: GraphQLSchema, options: ContractOptions = {}): string[] {
  const out: string[] = [];
  const partialEnums = options.partialEnums ?? {};

  for (const [root, fakeRoot, realRoot] of [
    ["query", fake.getQueryType(), real.getQueryType()],
    ["mutation", fake.getMutationType(), real.getMutationType()],
    ["subscription", fake.getSubscriptionType(), real.getSubscriptionType()],
  ] as const) {
    if (fakeRoot && fakeRoot.name !== realRoot?.name)
      out.push(`schema: ${root} root is ${fakeRoot.name}, Shopify has ${realRoot?.name ?? "none"}`);
  }

  for (const type of Object.values(fake.getTypeMap())) {
    if (type.name.startsWith("__") || isSpecifiedScalarType(type)) continue;
    const match = real.getType(type.name);
    if (!match) {
      out.push(`${type.name}: type does not exist on Shopify`);
      continue;
    }
    if (KIND(type) !== KIND(match)) {
      out.push(`${type.name}: is an ${KIND(type)}, Shopify has an ${KIND(match)}`);
      continue;
    }
    if ((isObjectType(type) && isObjectType(match)) || (isInterfaceType(type) && isInterfaceType(match))) {
      const realInterfaces = new Set(match.getInterfaces().map((entry) => entry.name));
      for (const entry of type.getInterfaces())
        if (!realInterfaces.has(entry.name))
          out.push(`${type.name}: implements ${entry.name}, Shopify's ${type.name} does not`);
      compareFields(type.name, type.getFields(), match.getFields(), out);
    } else if (isUnionType(type) && isUnionType(match)) {
      const members = new Set(match.getTypes().map((entry) => entry.name));
      for (const entry of type.getTypes())
        if (!members.has(entry.name)) out.push(`${type.name}: member ${entry.name} is not in Shopify's union`);
    } else if (isEnumType(type) && isEnumType(match)) {
      const realValues = new Set(match.getValues().map((value) => value.name));
      const fakeValues = new Set(type.getValues().map((value) => value.name));
      for (const value of fakeValues)
        if (!realValues.has(value)) out.push(`${type.name}.${value}: enum value does not exist on Shopify`);
      if (!partialEnums[type.name]) {
        for (const value of realValues)
          if (!fakeValues.has(value))
            out.push(
              `${type.name}.${value}: Shopify's enum value is missing from the fake (or list the enum as partial, with why)`,
            );
      }
    } else if (isInputObjectType(type) && isInputObjectType(match)) {
      compareInputFields(type.name, type.getFields(), match.getFields(), out);
    } else if (isScalarType(type) && isScalarType(match)) {
      // Same name, both scalars: nothing more the SDL can say.
    }
  }

  for (const name of Object.keys(partialEnums))
    if (!isEnumType(fake.getType(name))) out.push(`${name}: listed as a partial enum, the fake has no such enum`);

  const realDirectives = new Map(real.getDirectives().map((directive) => [directive.name, directive]));
  for (const directive of fake.getDirectives()) {
    if (isSpecifiedDirective(directive)) continue;
    const match = realDirectives.get(directive.name);
    if (!match) {
      out.push(`@${directive.name}: directive does not exist on Shopify`);
      continue;
    }
    compareArguments(`@${directive.name}`, directive.args, match.args, out);
    const locations = new Set<string>(match.locations);
    for (const location of directive.locations)
      if (!locations.has(location)) out.push(`@${directive.name}: location ${location} is not one of Shopify's`);
  }
  return out;
}

/** graphql-js's validation of one document against a schema: the messages, empty when valid. */
export function documentErrors(schema: GraphQLSchema, text: string): string[] {
  let document;
  try {
    document = parse(text);
  } catch (error) {
    return [`does not parse: ${(error as Error).message}`];
  }
  return validate(schema, document).map((error) => error.message);
}
