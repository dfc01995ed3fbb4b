import { loadChannelSettings } from "~/channels/connection-store.server";
import type { Database } from "~/db.server";
import type { CheckoutPlace } from "~/domain";
import { requestRehearsal } from "~/records/requests.server";
import {
  FAMILY_NAMES,
  MAX_REHEARSED_VARIANTS,
  rehearsalInputSchema,
  type FamilyName,
  type RehearsalInput,
  type RehearsalSummary,
} from "~/rehearsal";
import { loadCatalog } from "~/worker/rehearsal-job.server";
import { shopProfile } from "./shop-profile.server";

/**
 * "Rehearse my settings": the page's figures (the latest rehearsal with its progress or its
 * outcome, the shop's checkout places, how many variants would be rehearsed, the currency)
 * and its one action, queueing a rehearsal. The worker runs it (app/worker/rehearsal-job.server.ts)
 * in memory: no channel is called, nothing is written to Shopify.
 */

export interface RehearsalView {
  id: string;
  state: "queued" | "running" | "succeeded" | "failed";
  /** 0..1 once the worker knows the total, else null. */
  progress: number | null;
  family: FamilyName | null;
  checkout: { meta?: CheckoutPlace; google?: CheckoutPlace };
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  result: RehearsalSummary | null;
}

export interface RehearsalPage {
  families: readonly FamilyName[];
  latest: RehearsalView | null;
  /** Where each catalog channel's buyers check out now (the Channels page's setting). */
  checkoutSettings: { meta: CheckoutPlace; google: CheckoutPlace };
  /** Variants with stock to sell, and how many of them a rehearsal takes (0 while one is in progress: not counted). */
  variantsWithStock: number;
  rehearsedVariants: number;
  currency: string | null;
}

function viewOf(row: {
  id: string;
  state: string;
  done: number;
  total: number | null;
  input: unknown;
  result: unknown;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}): RehearsalView {
  const input = rehearsalInputSchema.safeParse(row.input);
  const state =
    (["queued", "running", "succeeded", "failed"] as const).find((value) => value === row.state) ?? "failed";
  return {
    id: row.id,
    state,
    progress: row.total && row.total > 0 ? Math.min(1, row.done / row.total) : null,
    family: input.success ? input.data.family : null,
    checkout: input.success ? input.data.checkout : {},
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    result: state === "succeeded" && row.result ? (row.result as RehearsalSummary) : null,
  };
}

export async function loadRehearsalPage(database: Database, shop: string, accessToken: string): Promise<RehearsalPage> {
  const [latest, settings, profile] = await Promise.all([
    database.operation.findFirst({ where: { shop, kind: "rehearsal" }, orderBy: { createdAt: "desc" } }),
    loadChannelSettings(database, shop),
    shopProfile(database, shop, accessToken),
  ]);
  // Counting what has stock reads every master record: not on the reloads that follow a
  // rehearsal in progress (every 2 s), when no other can be started anyway.
  const pending = latest?.state === "queued" || latest?.state === "running";
  const catalog = pending ? [] : await loadCatalog(database, shop);
  const variantsWithStock = catalog.filter((variant) => variant.stock > 0).length;
  return {
    families: FAMILY_NAMES,
    latest: latest ? viewOf(latest) : null,
    checkoutSettings: { meta: settings.meta.checkoutOn, google: settings.google.checkoutOn },
    variantsWithStock,
    rehearsedVariants: Math.min(variantsWithStock, MAX_REHEARSED_VARIANTS),
    currency: profile.currency,
  };
}

/** Why a rehearsal was not queued, for the page to say in words. */
export type RehearsalRefusal = "bad_family" | "bad_checkout" | "no_stock" | "already_running";

export type RehearsalActionResult =
  | { ok: true; id: string }
  | { ok: false; refusal: RehearsalRefusal; field?: "family" | "checkout_meta" | "checkout_google" };

/** A checkout field: "settings" (or absent) keeps the shop's setting; "channel" or "store" overrides it. */
function checkoutField(value: FormDataEntryValue | null): CheckoutPlace | undefined | "bad" {
  if (value === null || value === "" || value === "settings") return undefined;
  return value === "channel" || value === "store" ? value : "bad";
}

/** The form's fields as a rehearsal input, or why not. */
export function parseRehearsalForm(
  form: FormData,
): { input: RehearsalInput } | Extract<RehearsalActionResult, { ok: false }> {
  const family = form.get("family");
  if (typeof family !== "string" || !(FAMILY_NAMES as readonly string[]).includes(family))
    return { ok: false, refusal: "bad_family", field: "family" };
  const meta = checkoutField(form.get("checkout_meta"));
  const google = checkoutField(form.get("checkout_google"));
  if (meta === "bad") return { ok: false, refusal: "bad_checkout", field: "checkout_meta" };
  if (google === "bad") return { ok: false, refusal: "bad_checkout", field: "checkout_google" };
  const checkout = { ...(meta ? { meta } : {}), ...(google ? { google } : {}) };
  return { input: rehearsalInputSchema.parse({ family, checkout }) };
}

/**
 * Queues a rehearsal of the shop's settings. Refused, with nothing changed: an unknown family
 * or checkout place, a catalog with nothing to sell, or a rehearsal already queued or running.
 */
export async function startRehearsalRequest(
  database: Database,
  shop: string,
  form: FormData,
): Promise<RehearsalActionResult> {
  const parsed = parseRehearsalForm(form);
  if (!("input" in parsed)) return parsed;
  const catalog = await loadCatalog(database, shop);
  if (!catalog.some((variant) => variant.stock > 0)) return { ok: false, refusal: "no_stock" };
  const queued = await requestRehearsal(database, shop, parsed.input);
  if ("running" in queued) return { ok: false, refusal: "already_running" };
  return { ok: true, id: queued.queued };
}
