import { z } from "zod";
import { channelIdSchema } from "./channels";
import { variantGidSchema } from "./ids";

/**
 * A merchant's absolute quantity for one (channel, variant), until it expires. It
 * replaces the buffer rules; the channel state (paused) still wins over it.
 */
export const manualOverrideSchema = z
  .object({
    channel: channelIdSchema,
    variantId: variantGidSchema,
    quantity: z.number().int().min(0),
    expiresAtMs: z.number().int().positive(),
    reason: z.string().max(500).optional(),
  })
  .strict();
export type ManualOverride = z.output<typeof manualOverrideSchema>;

export type OverrideRejection =
  | {
      readonly code: "override_exceeds_sellable";
      readonly message: string;
      readonly quantity: number;
      readonly sellable: number;
    }
  | {
      readonly code: "override_already_expired";
      readonly message: string;
      readonly expiresAtMs: number;
      readonly nowMs: number;
    }
  | { readonly code: "override_invalid"; readonly message: string; readonly issues: readonly z.ZodIssue[] };

export type Result<Value, Failure> =
  { readonly ok: true; readonly value: Value } | { readonly ok: false; readonly error: Failure };

/**
 * Checks an override before it is stored. An override above what the channel can
 * sell is rejected, never clamped: the merchant must see that the number is
 * impossible. `sellable` is the channel's sellable quantity (sellableUnits with the
 * channel's location scope).
 */
export function validateOverride(
  input: unknown,
  context: { readonly sellable: number; readonly nowMs: number },
): Result<ManualOverride, OverrideRejection> {
  const parsed = manualOverrideSchema.safeParse(input);
  if (!parsed.success) {
    const message = parsed.error.issues
      .map((issue) => `${issue.path.join(".") || "override"}: ${issue.message}`)
      .join("; ");
    return { ok: false, error: { code: "override_invalid", message, issues: parsed.error.issues } };
  }
  const override = parsed.data;
  if (override.quantity > context.sellable) {
    return {
      ok: false,
      error: {
        code: "override_exceeds_sellable",
        message: `cannot show ${override.quantity}: only ${context.sellable} can be sold on this channel`,
        quantity: override.quantity,
        sellable: context.sellable,
      },
    };
  }
  if (!isOverrideActive(override, context.nowMs)) {
    return {
      ok: false,
      error: {
        code: "override_already_expired",
        message: `the override expires at ${new Date(override.expiresAtMs).toISOString()}, which has passed`,
        expiresAtMs: override.expiresAtMs,
        nowMs: context.nowMs,
      },
    };
  }
  return { ok: true, value: override };
}

/** An override applies strictly before its expiry. */
export const isOverrideActive = (override: Pick<ManualOverride, "expiresAtMs">, nowMs: number): boolean =>
  nowMs < override.expiresAtMs;
