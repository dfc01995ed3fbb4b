// Shared by prisma.config.ts and scripts: which database a URL selects, and the default.
import path from "node:path";

/** SQLite under prisma/ resolved from the working directory (never from a bundled file's URL). */
export function resolveDatabaseUrl(url = process.env.DATABASE_URL) {
  return url && url.length > 0 ? url : `file:${path.join(process.cwd(), "prisma", "dev.sqlite")}`;
}

/** @returns {"sqlite" | "postgresql"} */
export function providerOf(url) {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgresql";
  throw new Error(`DATABASE_URL must start with file: or postgresql:// (got "${url.split(":")[0]}:…")`);
}

/** Where each provider keeps its schema and migrations. */
export const PRISMA_LAYOUT = {
  sqlite: { schema: "prisma/schema.prisma", migrations: "prisma/migrations" },
  postgresql: { schema: "prisma/postgresql/schema.prisma", migrations: "prisma/postgresql/migrations" },
};
