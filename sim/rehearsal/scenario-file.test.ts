import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { builtInScenario } from "~/rehearsal/families";
import { loadScenario } from "./scenario-file";

describe("--scenario", () => {
  it("takes a built-in family by name, without reading a file", () => {
    expect(loadScenario("small", "/nonexistent")).toEqual(builtInScenario("small"));
  });

  it("reads a scenario file by path, relative to the working folder", () => {
    const folder = mkdtempSync(path.join(tmpdir(), "ballast-scenario-"));
    const file = path.join(folder, "mine.json");
    writeFileSync(file, JSON.stringify({ ...builtInScenario("small"), name: "mine" }));
    expect(loadScenario("mine.json", folder).name).toBe("mine");
    expect(loadScenario(file).name).toBe("mine");
  });

  it("names the built-in scenarios when the one asked for does not exist", () => {
    expect(() => loadScenario("black-fryday")).toThrow(
      /built-in scenarios: black-friday, flash-drop, holiday-week, channel-outage/,
    );
  });

  it("says which file is not JSON", () => {
    const folder = mkdtempSync(path.join(tmpdir(), "ballast-scenario-"));
    writeFileSync(path.join(folder, "broken.json"), "{");
    expect(() => loadScenario("broken.json", folder)).toThrow(/broken\.json is not valid JSON/);
  });
});
