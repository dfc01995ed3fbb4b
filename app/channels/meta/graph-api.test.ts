import { describe, expect, it } from "vitest";
import { classifyGraphError, fromMetaAvailability, parseBusinessUseCaseUsage } from "./graph-api";

describe("X-Business-Use-Case-Usage", () => {
  it("takes the highest percentage over every entry and converts minutes to ms", () => {
    const header = JSON.stringify({
      "111": [
        {
          type: "catalog_batch",
          call_count: 40,
          total_cputime: 91,
          total_time: 12,
          estimated_time_to_regain_access: 0,
        },
      ],
      "222": [
        {
          type: "catalog_management",
          call_count: 5,
          total_cputime: 1,
          total_time: 1,
          estimated_time_to_regain_access: 7,
        },
      ],
    });
    expect(parseBusinessUseCaseUsage(header)).toEqual({ percent: 91, regainAccessAfterMs: 7 * 60_000 });
  });

  it("treats an absent or malformed header as unknown, not as zero usage", () => {
    expect(parseBusinessUseCaseUsage(null)).toBeNull();
    expect(parseBusinessUseCaseUsage("not json")).toBeNull();
    expect(parseBusinessUseCaseUsage("{}")).toBeNull();
  });
});

describe("classifyGraphError", () => {
  it("maps documented codes to what Ballast does about them", () => {
    expect(classifyGraphError({ message: "", code: 190, error_subcode: 460 }, 400)).toBe("credentials_revoked");
    expect(classifyGraphError({ message: "", code: 200 }, 403)).toBe("permission_denied");
    for (const code of [4, 17, 32, 613, 80009, 80014])
      expect(classifyGraphError({ message: "", code }, 400)).toBe("rate_limited");
    expect(classifyGraphError({ message: "", code: 2, is_transient: true }, 500)).toBe("transient");
    expect(classifyGraphError(undefined, 503)).toBe("transient");
    expect(classifyGraphError({ message: "", code: 100, error_subcode: 33 }, 400)).toBe("not_found");
    expect(classifyGraphError({ message: "", code: 100 }, 400)).toBe("invalid_request");
  });
});

it("reads Meta availability values as orderable or not", () => {
  expect(
    ["in stock", "available for order", "preorder", "out of stock", "discontinued", "pending"].map(
      fromMetaAvailability,
    ),
  ).toEqual(["in_stock", "in_stock", "in_stock", "out_of_stock", "out_of_stock", null]);
});
