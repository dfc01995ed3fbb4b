import type { MessageKey } from "~/i18n";
import type { SummaryStrategy } from "~/rehearsal/summary";

/**
 * The rehearsal page's words for the names it receives (a family, a strategy, a checkout
 * place): each has its own key in app/locales/<locale>/rehearsal.json.
 */
export const familyName = (family: string) => `rehearsal.family.${family}` as MessageKey;
export const familyHelp = (family: string) => `rehearsal.family.${family}.help` as MessageKey;
export const strategyName = (strategy: SummaryStrategy) => `rehearsal.strategy.${strategy}` as MessageKey;
export const strategyHelp = (strategy: SummaryStrategy) => `rehearsal.strategy.${strategy}.help` as MessageKey;
export const placeWords = (place: "channel" | "store") => `rehearsal.place.${place}` as MessageKey;
