import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { postgresSchemaFrom } from "./prisma-schemas.mjs";

describe("Prisma schemas", () => {
  it("keeps prisma/postgresql/schema.prisma derived from prisma/schema.prisma (run npm run setup)", () => {
    const sqlite = readFileSync("prisma/schema.prisma", "utf8");
    expect(readFileSync("prisma/postgresql/schema.prisma", "utf8")).toBe(postgresSchemaFrom(sqlite));
  });

  it("changes only the provider and the client output", () => {
    const derived: string = postgresSchemaFrom(readFileSync("prisma/schema.prisma", "utf8"));
    expect(derived).toContain('provider = "postgresql"');
    expect(derived).not.toContain('"sqlite"');
    expect(derived.match(/^model /gm)?.length).toBe(
      readFileSync("prisma/schema.prisma", "utf8").match(/^model /gm)?.length,
    );
  });
});
