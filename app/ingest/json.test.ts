import { describe, expect, it } from "vitest";
import { parseJsonLossless } from "./json";

describe("parseJsonLossless", () => {
  it("keeps ids above 2^53 exact, where JSON.parse rounds them", () => {
    const body = '{"inventory_item_id":271878346596884015,"available":7}';
    expect(String((JSON.parse(body) as { inventory_item_id: number }).inventory_item_id)).not.toBe(
      "271878346596884015",
    );
    expect(parseJsonLossless(body)).toEqual({ inventory_item_id: "271878346596884015", available: 7 });
  });

  it("rejects malformed JSON", () => {
    expect(() => parseJsonLossless('{"available":')).toThrow();
  });
});
