/**
 * What `prisma migrate deploy` leaves in a database, for tests of readiness: test databases
 * are built from the migration SQL directly (tests/support/database.ts), without Prisma's
 * `_prisma_migrations` table. The columns readiness reads, as Prisma names them.
 */
import { randomUUID } from "node:crypto";
import type { Database } from "~/db.server";

export async function recordMigrations(
  database: Database,
  applied: readonly string[],
  options: { failed?: readonly string[] } = {},
): Promise<void> {
  await database.$executeRawUnsafe(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMP,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMP,
    "started_at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
  const now = new Date();
  for (const name of applied) {
    await database.$executeRaw`INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "applied_steps_count")
      VALUES (${randomUUID()}, ${"0".repeat(64)}, ${now}, ${name}, 1)`;
  }
  for (const name of options.failed ?? []) {
    await database.$executeRaw`INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name")
      VALUES (${randomUUID()}, ${"0".repeat(64)}, ${name})`;
  }
}

export async function forgetMigrations(database: Database): Promise<void> {
  await database.$executeRawUnsafe(`DROP TABLE IF EXISTS "_prisma_migrations"`);
}
