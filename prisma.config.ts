/**
 * Prisma CLI configuration. DATABASE_URL chooses the provider: file:… (SQLite, the
 * default) or postgresql://…; each provider has its own schema copy and migrations.
 * `engine: "js"` plus `engineType = "client"` in the schema keeps the CLI from
 * downloading engines (see STACK.md).
 */
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { defineConfig } from "prisma/config";
import { createCliPgAdapter } from "./prisma/cli-adapter-pg";
import { PRISMA_LAYOUT, providerOf, resolveDatabaseUrl } from "./prisma/database-url.mjs";

const url = resolveDatabaseUrl();
const provider = providerOf(url);
// The schema's datasource block reads env("DATABASE_URL"); .env files are not read here.
process.env.DATABASE_URL = url;

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: PRISMA_LAYOUT[provider].schema,
  migrations: { path: PRISMA_LAYOUT[provider].migrations },
  adapter: async () => (provider === "sqlite" ? new PrismaBetterSQLite3({ url }) : createCliPgAdapter(url)),
});
