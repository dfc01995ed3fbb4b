/**
 * The scenario families of issue 19, built in: JSON beside this file, imported (no file is
 * read), so the app's rehearsal page and `npm run rehearse -- --scenario <name>` run the
 * same days. docs/rehearsal.md describes each.
 */
import blackFriday from "./families/black-friday.json";
import channelOutage from "./families/channel-outage.json";
import flashDrop from "./families/flash-drop.json";
import holidayWeek from "./families/holiday-week.json";
import small from "./families/small.json";
import { parseScenario, type Scenario } from "./scenario";

export const FAMILY_NAMES = ["black-friday", "flash-drop", "holiday-week", "channel-outage", "small"] as const;
export type FamilyName = (typeof FAMILY_NAMES)[number];

const FAMILIES: Readonly<Record<FamilyName, unknown>> = {
  "black-friday": blackFriday,
  "flash-drop": flashDrop,
  "holiday-week": holidayWeek,
  "channel-outage": channelOutage,
  small,
};

export const isFamilyName = (value: unknown): value is FamilyName =>
  typeof value === "string" && (FAMILY_NAMES as readonly string[]).includes(value);

/** A built-in family's scenario, validated (a fresh copy each time: callers may change it). */
export function builtInScenario(name: FamilyName): Scenario {
  return parseScenario(structuredClone(FAMILIES[name]), `the built-in "${name}" scenario`);
}
