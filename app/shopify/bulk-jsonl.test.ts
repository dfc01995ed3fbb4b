import { describe, expect, it } from "vitest";
import { groupByParent, parseBulkJsonl } from "./bulk-jsonl";

describe("bulk JSONL (shopify.dev/docs/api/usage/bulk-operations/queries)", () => {
  const text = [
    '{"id":"gid://shopify/ProductVariant/1","inventoryItem":{"id":"gid://shopify/InventoryItem/271878346596884015"}}',
    '{"id":"gid://shopify/InventoryLevel/9?inventory_item_id=271878346596884015","__parentId":"gid://shopify/ProductVariant/1"}',
    '{"id":"gid://shopify/ProductVariant/2","inventoryItem":{"id":"gid://shopify/InventoryItem/3"}}',
    '{"id":"gid://shopify/InventoryLevel/9?inventory_item_id=3","__parentId":"gid://shopify/InventoryItem/3"}',
    '{"id":"gid://shopify/Prod',
  ].join("\n");

  it("parses lines, counts a cut last line, and keeps ids as exact strings", () => {
    const { rows, malformedLines } = parseBulkJsonl(text);
    expect(rows).toHaveLength(4);
    expect(malformedLines).toBe(1);
    expect((rows[0]!["inventoryItem"] as { id: string }).id).toBe("gid://shopify/InventoryItem/271878346596884015");
  });

  it("attaches children by __parentId, naming the parent or one of its nested objects", () => {
    const groups = groupByParent(parseBulkJsonl(text).rows);
    expect(groups.map((group) => group.children.length)).toEqual([1, 1]);
    expect(groups[1]!.children[0]!.id).toBe("gid://shopify/InventoryLevel/9?inventory_item_id=3");
  });
});
