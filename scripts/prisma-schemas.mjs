// prisma/schema.prisma (SQLite) is the one source of the models; the PostgreSQL copy is
// derived from it, so the two can never drift apart.
import { readFileSync, writeFileSync } from "node:fs";

const HEADER = "// GENERATED from prisma/schema.prisma by scripts/prisma-schemas.mjs. Do not edit.\n";

export function postgresSchemaFrom(sqliteSchema) {
  const replaced = sqliteSchema
    .replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"')
    .replace('output       = "../app/generated/sqlite"', 'output       = "../../app/generated/postgresql"');
  if (replaced === sqliteSchema || !replaced.includes("app/generated/postgresql")) {
    throw new Error("prisma/schema.prisma changed shape: update scripts/prisma-schemas.mjs");
  }
  return HEADER + replaced;
}

export function writePostgresSchema(root = process.cwd()) {
  const source = readFileSync(`${root}/prisma/schema.prisma`, "utf8");
  const target = `${root}/prisma/postgresql/schema.prisma`;
  const next = postgresSchemaFrom(source);
  let current = "";
  try {
    current = readFileSync(target, "utf8");
  } catch {
    // first run
  }
  if (current !== next) writeFileSync(target, next);
  return current !== next;
}
