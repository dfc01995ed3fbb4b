/**
 * The fake Shopify's control API (README.md, "Control API"), by concern: shops and their
 * catalog, inventory, orders and webhooks, failure switches, tokens. Called in process
 * and over `POST /_control/<method>`.
 */
import { randomUUID } from "node:crypto";
import { CostBucket } from "./cost";
import { gid, parseGid } from "./ids";
import { getShop, idOf, type ServerState } from "./server-state";
import { FakeShopState, onHand } from "./store";
import type { FakeShopify } from "./types";
import { deliverWebhook, jsonWithBigInts, type WebhookDelivery } from "./webhooks";

type ShopControls = Pick<
  FakeShopify,
  "addShop" | "shop" | "addLocation" | "addProduct" | "addCollection" | "editMetafieldInAdmin"
>;
type InventoryControls = Pick<
  FakeShopify,
  | "setQuantities"
  | "quantities"
  | "deactivateLevel"
  | "competeOnNextMutation"
  | "setCompetingWriter"
  | "apiAdjustmentCount"
  | "inventoryLevelUpdatePayload"
>;
type OrderControls = Pick<FakeShopify, "placeOrder" | "sendWebhook">;
type FailureControls = Pick<
  FakeShopify,
  "setFailureModes" | "drainBucket" | "setRestoreRate" | "setBulkBehaviour" | "expireBulkOperation"
>;
type TokenControls = Pick<
  FakeShopify,
  "revokeToken" | "restoreToken" | "issueOfflineToken" | "setTokenBehaviour" | "expireAccessTokens" | "tokenStats"
>;
export type Controls = ShopControls & InventoryControls & OrderControls & FailureControls & TokenControls;

/** The control methods `POST /_control/<method>` may call. */
export const REMOTE_CONTROLS: ReadonlySet<string> = new Set([
  "addShop",
  "addLocation",
  "addProduct",
  "addCollection",
  "editMetafieldInAdmin",
  "setQuantities",
  "quantities",
  "deactivateLevel",
  "placeOrder",
  "competeOnNextMutation",
  "setCompetingWriter",
  "apiAdjustmentCount",
  "setFailureModes",
  "revokeToken",
  "restoreToken",
  "drainBucket",
  "issueOfflineToken",
  "setTokenBehaviour",
  "expireAccessTokens",
  "tokenStats",
  "setRestoreRate",
  "setBulkBehaviour",
  "expireBulkOperation",
  "sendWebhook",
  "inventoryLevelUpdatePayload",
]);

export function controls(state: ServerState): Controls {
  return {
    ...shopControls(state),
    ...inventoryControls(state),
    ...orderControls(state),
    ...failureControls(state),
    ...tokenControls(state),
  };
}

function shopControls(state: ServerState): ShopControls {
  const { now } = state;
  return {
    addShop(shopOptions) {
      const shop = new FakeShopState(shopOptions, { now });
      const restoreRate = shopOptions.restoreRate ?? 100;
      state.shops.set(shop.domain, shop);
      if (shopOptions.scope) state.scopes.set(shop.domain, shopOptions.scope);
      state.buckets.set(
        shop.domain,
        new CostBucket(shopOptions.maximumAvailable ?? restoreRate * 20, restoreRate, now),
      );
      return shop;
    },
    shop: (domain) => getShop(state, domain),
    addLocation(domain, input) {
      return gid("Location", getShop(state, domain).addLocation(input).id);
    },
    addProduct(domain, spec) {
      const { product, variants } = getShop(state, domain).addProduct({
        title: spec.title,
        status: spec.status,
        variants: spec.variants.map((variant) => ({
          title: variant.title,
          sku: variant.sku,
          tracked: variant.tracked,
          mutable: variant.mutable,
          inventoryItemId: variant.inventoryItemId === undefined ? undefined : BigInt(variant.inventoryItemId),
          stock: Object.fromEntries(
            Object.entries(variant.stock ?? {}).map(([location, quantities]) => [
              idOf("Location", location).toString(),
              quantities,
            ]),
          ),
        })),
      });
      return {
        productId: gid("Product", product.id),
        variants: variants.map((variant) => ({
          variantId: gid("ProductVariant", variant.id),
          inventoryItemId: gid("InventoryItem", variant.inventoryItemId),
          sku: variant.sku,
        })),
      };
    },
    addCollection(domain, input) {
      return gid("Collection", getShop(state, domain).addCollection(input).id);
    },
    editMetafieldInAdmin(domain, ownerGid, key, value, editOptions) {
      getShop(state, domain).editMetafieldInAdmin(ownerGid, key, value, editOptions);
    },
  };
}

/** The payload Shopify sends for inventory_levels/update: only `available`, ids as raw 64-bit numbers. */
function inventoryLevelUpdatePayload(
  state: ServerState,
  domain: string,
  inventoryItemId: string,
  locationId: string,
): Record<string, unknown> {
  const shop = getShop(state, domain);
  const itemId = idOf("InventoryItem", inventoryItemId);
  const location = idOf("Location", locationId);
  const level = shop.level(itemId, location);
  if (!level) throw new Error(`fake Shopify: ${inventoryItemId} is not stocked at ${locationId}`);
  return {
    inventory_item_id: itemId,
    location_id: location,
    available: level.quantities.available,
    updated_at: level.updatedAt,
    admin_graphql_api_id: shop.levelGid(level),
  };
}

function inventoryControls(state: ServerState): InventoryControls {
  return {
    setQuantities(domain, inventoryItemId, locationId, quantities) {
      getShop(state, domain).stock(idOf("InventoryItem", inventoryItemId), idOf("Location", locationId), quantities);
    },
    quantities(domain, inventoryItemId, locationId) {
      const level = getShop(state, domain).level(idOf("InventoryItem", inventoryItemId), idOf("Location", locationId));
      return level ? { ...level.quantities, on_hand: onHand(level.quantities) } : null;
    },
    deactivateLevel(domain, inventoryItemId, locationId) {
      const shop = getShop(state, domain);
      const level = shop.level(idOf("InventoryItem", inventoryItemId), idOf("Location", locationId));
      if (!level) throw new Error(`fake Shopify: ${inventoryItemId} is not stocked at ${locationId}`);
      // Since 2026-04 the level keeps its quantities; only reads without includeInactive lose it.
      level.isActive = false;
      level.updatedAt = shop.timestamp();
    },
    competeOnNextMutation(domain, change) {
      const shop = getShop(state, domain);
      const itemId = idOf("InventoryItem", change.inventoryItemId);
      const locationId = idOf("Location", change.locationId);
      shop.onNextInventoryMutation(() =>
        shop.adjustBy(itemId, locationId, change.name ?? "available", change.delta, "competitor"),
      );
    },
    setCompetingWriter(domain, writer) {
      const shop = getShop(state, domain);
      shop.competingWriters.splice(0);
      if (writer)
        shop.competingWriters.push({
          inventoryItemId: idOf("InventoryItem", writer.inventoryItemId),
          locationId: idOf("Location", writer.locationId),
          available: writer.available,
        });
    },
    apiAdjustmentCount(domain) {
      return getShop(state, domain).adjustmentGroups.filter((group) => group.actor === "api").length;
    },
    inventoryLevelUpdatePayload: (domain, inventoryItemId, locationId) =>
      inventoryLevelUpdatePayload(state, domain, inventoryItemId, locationId),
  };
}

/** Sends one event to the configured webhook target, `duplicates` extra times (same Event-Id), after `delayMs`. */
async function sendEvent(
  state: ServerState,
  domain: string,
  topic: string,
  payload: unknown,
  sendOptions: { duplicates?: number; delayMs?: number; eventId?: string } = {},
): Promise<WebhookDelivery[]> {
  const target = state.options.webhooks;
  if (!target) throw new Error("fake Shopify: no webhook target configured (options.webhooks)");
  if (sendOptions.delayMs) await new Promise((resolve) => setTimeout(resolve, sendOptions.delayMs));
  const body = jsonWithBigInts(payload);
  const eventId = sendOptions.eventId ?? randomUUID();
  const triggeredAt = new Date(state.now()).toISOString();
  const sent: WebhookDelivery[] = [];
  for (let attempt = 0; attempt <= (sendOptions.duplicates ?? 0); attempt += 1) {
    const delivery = await deliverWebhook(target, { topic, shopDomain: domain, body, eventId, triggeredAt });
    sent.push(delivery);
    state.webhookDeliveries.push(delivery);
  }
  return sent;
}

type OrderLine = { inventoryItemId: bigint; locationId: bigint; quantity: number };

/** The orders/create payload of an order placed in the shop. */
function orderPayload(state: ServerState, shop: FakeShopState, orderId: bigint, lines: OrderLine[]) {
  const createdAt = new Date(state.now()).toISOString();
  return {
    id: orderId,
    admin_graphql_api_id: gid("Order", orderId),
    created_at: createdAt,
    updated_at: createdAt,
    name: `#${1000 + shop.adjustmentGroups.length}`,
    financial_status: "paid",
    fulfillment_status: null,
    source_name: "web",
    line_items: lines.map((line) => {
      const item = shop.inventoryItems.get(line.inventoryItemId)!;
      const variant = shop.variants.get(item.variantId)!;
      const lineId = shop.nextId("other");
      return {
        id: lineId,
        admin_graphql_api_id: gid("LineItem", lineId),
        variant_id: variant.id,
        product_id: variant.productId,
        sku: variant.sku,
        quantity: line.quantity,
        variant_inventory_management: item.tracked ? "shopify" : null,
        fulfillment_status: null,
      };
    }),
  };
}

function orderControls(state: ServerState): OrderControls {
  return {
    async placeOrder(domain, input) {
      const shop = getShop(state, domain);
      const lines = input.lines.map((line) => ({
        inventoryItemId: idOf("InventoryItem", line.inventoryItemId),
        locationId: idOf("Location", line.locationId),
        quantity: line.quantity,
      }));
      shop.placeOrder(lines);
      const orderId = shop.nextId("other");
      const deliveries: WebhookDelivery[] = [];
      if (input.webhooks ?? !!state.options.webhooks) {
        deliveries.push(
          ...(await sendEvent(state, domain, "orders/create", orderPayload(state, shop, orderId, lines))),
        );
        for (const line of lines) {
          const level = inventoryLevelUpdatePayload(
            state,
            domain,
            line.inventoryItemId.toString(),
            line.locationId.toString(),
          );
          deliveries.push(...(await sendEvent(state, domain, "inventory_levels/update", level)));
        }
      }
      return { orderId: gid("Order", orderId), deliveries };
    },
    sendWebhook: (domain, topic, payload, sendOptions) => sendEvent(state, domain, topic, payload, sendOptions),
  };
}

function failureControls(state: ServerState): FailureControls {
  return {
    setFailureModes(modes) {
      state.failures = { ...state.failures, ...modes };
    },
    drainBucket(domain, points = 0) {
      getShop(state, domain);
      state.buckets.get(domain)!.drain(points);
    },
    setRestoreRate(domain, restoreRate, maximumAvailable) {
      getShop(state, domain);
      const bucket = state.buckets.get(domain)!;
      bucket.restoreRate = restoreRate;
      bucket.maximumAvailable = maximumAvailable ?? restoreRate * 20;
    },
    setBulkBehaviour(behaviour) {
      state.bulkBehaviour = { ...state.bulkBehaviour, ...behaviour };
    },
    expireBulkOperation(domain, bulkOperationId) {
      const parsed = parseGid(bulkOperationId);
      const record = parsed ? getShop(state, domain).bulkOperations.get(parsed.id) : undefined;
      if (!record) throw new Error(`fake Shopify: unknown bulk operation ${bulkOperationId}`);
      record.expired = true;
    },
  };
}

function tokenControls(state: ServerState): TokenControls {
  const { tokens } = state;
  return {
    revokeToken(domain) {
      getShop(state, domain).revoked = true;
    },
    restoreToken(domain) {
      getShop(state, domain).revoked = false;
    },
    issueOfflineToken(domain) {
      getShop(state, domain);
      return { ...tokens.issue(domain), issuedAt: state.now() };
    },
    setTokenBehaviour(domain, behaviour) {
      getShop(state, domain);
      tokens.setBehaviour(domain, behaviour);
    },
    expireAccessTokens(domain) {
      getShop(state, domain);
      tokens.expireAccessTokens(domain);
    },
    tokenStats() {
      return { ...tokens.counters, unauthorized: state.requests.filter((entry) => entry.status === 401).length };
    },
  };
}
