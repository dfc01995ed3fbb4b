import { describe, expect, it } from "vitest";
import { activityText } from "./activity-text";

const entry = (details: Record<string, unknown>) => ({ kind: "auto_protect", channel: "meta", details });

describe("auto-protect activity in words", () => {
  it("says that buffers widened and the channel keeps selling (English and French)", () => {
    const widening = entry({
      action: "widening",
      reason: "lag_above_threshold",
      mode: "widen_buffers",
      lagMs: 33 * 60_000,
      thresholdMs: 30 * 60_000,
    });
    expect(activityText(widening, "en")).toBe(
      "Meta: lag 33 min, above 30 min: buffers widened to the measured lag, the channel keeps selling what is safe",
    );
    expect(activityText(widening, "fr")).toBe(
      "Meta : délai de 33 min, au-dessus de 30 min : réserves élargies au délai mesuré, le canal continue de vendre ce qui est sûr",
    );
  });

  it("tells a pause beyond what buffers cover from a pause at the threshold, and names the undo", () => {
    expect(
      activityText(
        entry({ action: "paused", reason: "lag_beyond_buffers", lagMs: 150 * 60_000, thresholdMs: 30 * 60_000 }),
        "en",
      ),
    ).toBe("Meta paused automatically (stop selling): lag 2.5 h is beyond what buffers can cover");
    expect(
      activityText(
        entry({ action: "paused", reason: "lag_above_threshold", lagMs: 31 * 60_000, thresholdMs: 30 * 60_000 }),
        "fr",
      ),
    ).toBe("Meta mis en pause automatiquement (vente arrêtée) : délai de 31 min, au-dessus de 30 min");
    expect(
      activityText(
        entry({ action: "resumed", reason: "lag_back_under_threshold", lagMs: 60_000, thresholdMs: 30 * 60_000 }),
        "en",
      ),
    ).toBe("Meta resumed automatically: lag back under 30 min");
  });

  it("falls back to the reason code for an action it does not know", () => {
    expect(activityText(entry({ action: "something_new", reason: "why" }), "en")).toBe(
      "Meta protected automatically: why",
    );
  });
});

describe("rule changes in Shopify admin", () => {
  it("says where the change came from (English and French)", () => {
    const changed = {
      kind: "rule_changed",
      channel: "meta",
      details: {
        scope: "product",
        target: "gid://shopify/Product/42",
        before: { fixedUnits: 1 },
        after: { fixedUnits: 4 },
        source: "shopify_admin",
      },
    };
    expect(activityText(changed, "en")).toMatch(/^Meta buffer, product 42: .+ → .+ \(in Shopify admin\)$/);
    expect(activityText(changed, "fr")).toMatch(/\(dans l'admin Shopify\)$/);
  });
});
