// `npm run setup`: everything a fresh clone needs before it runs. Idempotent and quick
// when nothing changed, so `npm test` and `npm run rehearse` call it every time.
//  1. derive the PostgreSQL schema copy from prisma/schema.prisma;
//  2. generate both Prisma clients (skipped when the schema is unchanged);
//  3. apply migrations to DATABASE_URL (SQLite prisma/dev.sqlite by default).
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { PRISMA_LAYOUT, providerOf, resolveDatabaseUrl } from "../prisma/database-url.mjs";
import { writePostgresSchema } from "./prisma-schemas.mjs";

const GENERATE_URL = { sqlite: "file:./prisma/generate.sqlite", postgresql: "postgresql://localhost:5432/generate" };

function prisma(args, databaseUrl) {
  execFileSync(process.execPath, ["node_modules/prisma/build/index.js", ...args], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
  });
}

writePostgresSchema();

for (const [provider, layout] of Object.entries(PRISMA_LAYOUT)) {
  const schema = readFileSync(layout.schema, "utf8");
  const hash = createHash("sha256").update(schema).digest("hex");
  const stampFile = `app/generated/${provider}/.schema-hash`;
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === hash) continue;
  // The generated client is tied to one provider: generate each with a URL of its kind.
  prisma(["generate"], GENERATE_URL[provider]);
  writeFileSync(stampFile, hash);
  console.log(`setup: generated the ${provider} Prisma client`);
}

const url = resolveDatabaseUrl();
// `--generate-only` (npm's postinstall): clients ready for typecheck and build, no database touched.
if (!process.argv.includes("--generate-only")) {
  prisma(["migrate", "deploy"], url);
  console.log(`setup: ${providerOf(url)} database is up to date`);
}
