import { describe, expect, it } from "vitest";
import { isOverrideActive, validateOverride } from "./override";

const T = Date.UTC(2026, 10, 27, 12, 0, 0);
const input = {
  channel: "meta",
  variantId: "gid://shopify/ProductVariant/44960469696645",
  quantity: 4,
  expiresAtMs: T + 3_600_000,
};

describe("validateOverride", () => {
  it("accepts a quantity up to sellable", () => {
    const result = validateOverride({ ...input, quantity: 10 }, { sellable: 10, nowMs: T });
    expect(result).toEqual({ ok: true, value: { ...input, quantity: 10 } });
  });

  it("rejects a quantity above sellable instead of clamping it", () => {
    const result = validateOverride({ ...input, quantity: 11 }, { sellable: 10, nowMs: T });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ code: "override_exceeds_sellable", quantity: 11, sellable: 10 });
    expect(result.error.message).toBe("cannot show 11: only 10 can be sold on this channel");
  });

  it("rejects an override that has already expired", () => {
    const result = validateOverride({ ...input, expiresAtMs: T }, { sellable: 10, nowMs: T });
    expect(result.ok || result.error.code).toBe("override_already_expired");
  });

  it("rejects malformed input with the zod issues", () => {
    const result = validateOverride(
      { ...input, channel: "tiktok", variantId: 44960469696645 },
      { sellable: 10, nowMs: T },
    );
    expect(result.ok || result.error.code).toBe("override_invalid");
    if (result.ok || result.error.code !== "override_invalid") return;
    expect(result.error.issues.map((issue) => issue.path[0])).toEqual(["channel", "variantId"]);
  });

  it("is active strictly before its expiry", () => {
    expect(isOverrideActive({ expiresAtMs: T }, T - 1)).toBe(true);
    expect(isOverrideActive({ expiresAtMs: T }, T)).toBe(false);
  });
});
