/**
 * `--scenario <name>` or `--scenario path.json`: a built-in family (app/rehearsal/families,
 * imported, no file read) or a scenario file, validated by the rehearsal's core
 * (app/rehearsal/scenario.ts). The file reading stays here, out of the app's pure core.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { builtInScenario, FAMILY_NAMES, isFamilyName } from "~/rehearsal/families";
import { parseScenario, type Scenario } from "~/rehearsal/scenario";

export function loadScenario(nameOrPath: string, root = process.cwd()): Scenario {
  if (isFamilyName(nameOrPath)) return builtInScenario(nameOrPath);
  let text: string;
  try {
    text = readFileSync(path.resolve(root, nameOrPath), "utf8");
  } catch (error) {
    throw new Error(
      `cannot read scenario "${nameOrPath}" (${error instanceof Error ? error.message : String(error)}); built-in scenarios: ${FAMILY_NAMES.join(", ")}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${nameOrPath} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseScenario(value, nameOrPath);
}
