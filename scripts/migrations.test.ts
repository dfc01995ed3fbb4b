import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const FOLDERS = ["prisma/migrations", "prisma/postgresql/migrations"];

function migrationFiles(folder: string): string[] {
  return readdirSync(folder)
    .filter((entry) => /^\d/.test(entry))
    .map((entry) => path.join(folder, entry, "migration.sql"));
}

describe("migration files", () => {
  // `prisma migrate deploy` on PostgreSQL splits a script at every `;`, comments included:
  // "-- no row meant active); now …" broke a deploy with `syntax error at or near "now"`,
  // which the test databases (applied statement by statement) did not see.
  it.each(FOLDERS)("%s: no comment holds a semicolon", (folder) => {
    const offending = migrationFiles(folder).flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .map((line, index) => ({ file, line: index + 1, text: line }))
        .filter(({ text }) => /--.*;/.test(text)),
    );
    expect(offending).toEqual([]);
  });

  it("both providers have the same migrations", () => {
    const names = (folder: string) => readdirSync(folder).filter((entry) => /^\d/.test(entry));
    expect(names(FOLDERS[1]!)).toEqual(names(FOLDERS[0]!));
  });
});
