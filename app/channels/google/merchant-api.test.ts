import { describe, expect, it } from "vitest";
import { errorReason, fromMerchantAvailability, productNameSegment, retryDelayMs } from "./merchant-api";

describe("productNameSegment", () => {
  it("keeps plain names readable and encodes reserved characters as unpadded base64url", () => {
    expect(productNameSegment("en", "US", "shopify_US_1_2")).toBe("en~US~shopify_US_1_2");
    for (const offerId of ["a/b", "50%", "x~y", "a.b", "é"]) {
      const segment = productNameSegment("en", "US", offerId);
      expect(segment).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(segment, "base64url").toString("utf8")).toBe(`en~US~${offerId}`);
    }
  });
});

describe("Merchant API values", () => {
  it("reads availability as names or as the numeric enums of the official REST client", () => {
    expect([1, 2, 3, 4, 5, 0].map(fromMerchantAvailability)).toEqual([
      "in_stock",
      "out_of_stock",
      "in_stock",
      "in_stock",
      "in_stock",
      null,
    ]);
    expect(fromMerchantAvailability("OUT_OF_STOCK")).toBe("out_of_stock");
  });

  it("reads the AIP-193 reason and RetryInfo delay", () => {
    const error = {
      details: [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "x",
          metadata: { REASON: "quota/request_rate_too_high" },
        },
        { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "1.5s" },
      ],
    };
    expect(errorReason(error)).toBe("quota/request_rate_too_high");
    expect(retryDelayMs(error)).toBe(1_500);
    expect(retryDelayMs({ details: [] })).toBeUndefined();
  });
});
