import { describe, expect, it } from "vitest";
import { withoutPersonalData } from "./minimize";

describe("withoutPersonalData", () => {
  it("removes the customer's details at any depth and keeps ids, quantities and times exactly", () => {
    const raw =
      '{"id":820001,"created_at":"2026-11-27T06:00:00Z","email":"a@b.example","customer":{"id":1,"email":"a@b.example"},' +
      '"shipping_address":{"address1":"1 rue X","zip":"75011"},"client_details":{"browser_ip":"203.0.113.9"},' +
      '"line_items":[{"variant_id":271878346596884015,"quantity":2,"destination":{"city":"Paris"}}],"refunds":[{"note":"sorry Jane"}]}';
    const kept = withoutPersonalData(raw);
    expect(kept).toBe(
      '{"id":820001,"created_at":"2026-11-27T06:00:00Z","line_items":[{"variant_id":271878346596884015,"quantity":2}],"refunds":[{}]}',
    );
  });

  it("keeps nothing of a payload that is not JSON", () => {
    expect(withoutPersonalData('{"email":"a@b.example",')).toBe("");
  });
});
