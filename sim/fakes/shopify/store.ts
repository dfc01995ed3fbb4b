import { createHash } from "node:crypto";
import { ID_STARTS, gid, parseGid, parseGidOf } from "./ids";

/**
 * The state of one fake shop and the business rules of the inventory and metafield
 * mutations. Pure in-memory; the GraphQL layer (resolvers.ts) only translates.
 */

/** Quantity names stored per level; on_hand is derived (CHANNELS.md "Quantity names"). */
export const STORED_QUANTITY_NAMES = [
  "available",
  "committed",
  "reserved",
  "damaged",
  "safety_stock",
  "quality_control",
  "incoming",
] as const;
export type StoredQuantityName = (typeof STORED_QUANTITY_NAMES)[number];
export type QuantityName = StoredQuantityName | "on_hand";
export type Quantities = Record<StoredQuantityName, number>;

/** Names inventoryMoveQuantities may move between. */
const MOVABLE_NAMES = new Set(["available", "damaged", "quality_control", "reserved", "safety_stock"]);
const VALID_REASONS = new Set([
  "correction",
  "cycle_count_available",
  "damaged",
  "movement_created",
  "movement_updated",
  "movement_received",
  "movement_canceled",
  "other",
  "promotion",
  "quality_control",
  "received",
  "reservation_created",
  "reservation_deleted",
  "reservation_updated",
  "restock",
  "safety_stock",
  "shrinkage",
]);
export const MAX_INPUT_ARRAY = 250;
export const MAX_METAFIELDS_PER_SET = 25;

/** Every quantity at zero: a level nothing was ever stocked at. */
function noQuantities(): Quantities {
  return {
    available: 0,
    committed: 0,
    reserved: 0,
    damaged: 0,
    safety_stock: 0,
    quality_control: 0,
    incoming: 0,
  };
}

/** What an inventory mutation changes, per level key, until it commits. */
type Working = Map<string, { inventoryItemId: bigint; locationId: bigint; quantities: Quantities }>;

export function onHand(quantities: Quantities): number {
  return (
    quantities.available +
    quantities.committed +
    quantities.reserved +
    quantities.damaged +
    quantities.safety_stock +
    quantities.quality_control
  );
}

export function quantityOf(quantities: Quantities, name: string): number | undefined {
  if (name === "on_hand") return onHand(quantities);
  return (STORED_QUANTITY_NAMES as readonly string[]).includes(name)
    ? quantities[name as StoredQuantityName]
    : undefined;
}

export interface LocationRecord {
  id: bigint;
  name: string;
  isActive: boolean;
  fulfillsOnlineOrders: boolean;
  createdAt: string;
  updatedAt: string;
}
export interface ProductRecord {
  id: bigint;
  title: string;
  handle: string;
  status: "ACTIVE" | "ARCHIVED" | "DRAFT";
  createdAt: string;
  updatedAt: string;
  variantIds: bigint[];
}
/** A collection: only what metafields need (membership is not modelled). */
export interface CollectionRecord {
  id: bigint;
  title: string;
  handle: string;
  createdAt: string;
  updatedAt: string;
}
export interface VariantRecord {
  id: bigint;
  productId: bigint;
  title: string;
  sku: string | null;
  barcode: string | null;
  inventoryItemId: bigint;
  createdAt: string;
  updatedAt: string;
}
export interface InventoryItemRecord {
  id: bigint;
  variantId: bigint;
  sku: string | null;
  tracked: boolean;
  /** false plays Shopify's NON_MUTABLE_INVENTORY_ITEM (bundles, fulfillment-service stock). */
  mutable: boolean;
  createdAt: string;
  updatedAt: string;
}
export interface LevelRecord {
  inventoryItemId: bigint;
  locationId: bigint;
  quantities: Quantities;
  /**
   * False for a level an inventory mutation created where the item was not stocked: since
   * 2026-10 quantities can be changed at any location (ITEM_NOT_STOCKED_AT_LOCATION is gone),
   * and reads leave inactive levels out unless `includeInactive: true` (since 2026-04).
   */
  isActive: boolean;
  createdAt: string;
  updatedAt: string;
}
export interface MetafieldRecord {
  id: bigint;
  ownerGid: string;
  namespace: string;
  key: string;
  value: string;
  type: string;
  createdAt: string;
  updatedAt: string;
}
export interface AdjustmentChangeRecord {
  name: string;
  delta: number;
  quantityAfterChange: number;
  ledgerDocumentUri: string | null;
  inventoryItemId: bigint;
  locationId: bigint;
}
export interface AdjustmentGroupRecord {
  id: bigint;
  createdAt: string;
  reason: string;
  referenceDocumentUri: string | null;
  changes: AdjustmentChangeRecord[];
  /** Who wrote it: "api" for Admin API calls, or a control-API actor ("order", "competitor"). */
  actor: string;
}
export interface BulkOperationRecord {
  id: bigint;
  query: string;
  createdAt: string;
  completedAt: string | null;
  /** Reads left before the operation reports its outcome (CREATED/RUNNING until then). */
  readsUntilDone: number;
  outcome:
    | { status: "COMPLETED" }
    | { status: "FAILED"; errorCode: "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT"; partial: boolean };
  lines: string[];
  rootObjectCount: number;
  expired: boolean;
  fileToken: string;
}
export interface UserError {
  field: string[] | null;
  message: string;
  code: string;
  elementIndex?: number;
}

/** A top-level GraphQL error (not a userError): bad input shape, missing directive, limits. */
export class TopLevelError extends Error {
  constructor(
    message: string,
    public readonly code: string,
    public readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface MoveTerminal {
  locationId: string;
  name: string;
  ledgerDocumentUri?: string | null;
  changeFromQuantity?: number | null;
}
export interface MoveChange {
  inventoryItemId: string;
  quantity: number;
  from: MoveTerminal;
  to: MoveTerminal;
}
export interface MoveInput {
  reason: string;
  referenceDocumentUri: string;
  changes: MoveChange[];
}
export interface AdjustChange {
  delta: number;
  inventoryItemId: string;
  locationId: string;
  ledgerDocumentUri?: string | null;
  changeFromQuantity?: number | null;
}
export interface AdjustInput {
  name: string;
  reason: string;
  referenceDocumentUri?: string | null;
  changes: AdjustChange[];
}
export interface MetafieldSetInput {
  ownerId: string;
  namespace?: string | null;
  key: string;
  value: string;
  type?: string | null;
  compareDigest?: string | null;
}

export type InventoryPayload = { group: AdjustmentGroupRecord | null; userErrors: UserError[] };
export type MetafieldsPayload = { metafields: MetafieldRecord[] | null; userErrors: UserError[] };

interface IdempotencyRecord {
  fingerprint: string;
  outcome: "succeeded" | "failed";
  payload: InventoryPayload;
}

export interface Clock {
  now(): number;
}

function isUri(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/?\/?\S+$/i.test(value);
}

export function metafieldDigest(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export interface ShopOptions {
  domain: string;
  /** A fixed, non-expiring token (legacy offline token). Expiring ones come from issueOfflineToken. */
  accessToken?: string;
  name?: string;
  /** The app's API client id: `$app` resolves to `app--<appId>` (as on Shopify). */
  appId?: string;
  plan?: { displayName?: string; shopifyPlus?: boolean };
}

export class FakeShopState {
  readonly domain: string;
  accessToken: string | null;
  revoked = false;
  readonly name: string;
  readonly appId: string;
  readonly shopId: bigint;
  readonly plan: { displayName: string; shopifyPlus: boolean };

  readonly locations = new Map<bigint, LocationRecord>();
  readonly products = new Map<bigint, ProductRecord>();
  readonly variants = new Map<bigint, VariantRecord>();
  readonly collections = new Map<bigint, CollectionRecord>();
  readonly inventoryItems = new Map<bigint, InventoryItemRecord>();
  readonly levels = new Map<string, LevelRecord>();
  readonly metafields = new Map<string, MetafieldRecord>();
  readonly adjustmentGroups: AdjustmentGroupRecord[] = [];
  readonly bulkOperations = new Map<bigint, BulkOperationRecord>();
  /** Competing writers: after each Admin API inventory write on their level, they put `available` back. */
  readonly competingWriters: { inventoryItemId: bigint; locationId: bigint; available: number }[] = [];
  private readonly idempotency = new Map<string, IdempotencyRecord>();
  /** Runs once just before the next inventory mutation executes: a competing writer. */
  private readonly beforeNextMutation: (() => void)[] = [];

  private readonly sequences = { ...ID_STARTS };
  private lastTimestamp = 0;

  constructor(
    options: ShopOptions,
    private readonly clock: Clock,
  ) {
    this.domain = options.domain;
    this.accessToken = options.accessToken ?? null;
    this.name = options.name ?? options.domain.replace(/\.myshopify\.com$/, "");
    this.appId = options.appId ?? "7654321";
    this.shopId = this.nextId("other");
    this.plan = { displayName: options.plan?.displayName ?? "Basic", shopifyPlus: options.plan?.shopifyPlus ?? false };
  }

  nextId(kind: keyof typeof ID_STARTS): bigint {
    const id = this.sequences[kind];
    this.sequences[kind] = id + 1n;
    return id;
  }

  /** Strictly increasing ISO timestamps, so `updated_at:>` reads never miss a change made in the same millisecond. */
  timestamp(): string {
    const now = Math.max(this.clock.now(), this.lastTimestamp + 1);
    this.lastTimestamp = now;
    return new Date(now).toISOString();
  }

  // ---- seeding ----------------------------------------------------------------------------

  addLocation(input: {
    name: string;
    id?: bigint;
    isActive?: boolean;
    fulfillsOnlineOrders?: boolean;
  }): LocationRecord {
    const at = this.timestamp();
    const location: LocationRecord = {
      id: input.id ?? this.nextId("location"),
      name: input.name,
      isActive: input.isActive ?? true,
      fulfillsOnlineOrders: input.fulfillsOnlineOrders ?? true,
      createdAt: at,
      updatedAt: at,
    };
    this.locations.set(location.id, location);
    return location;
  }

  addProduct(input: {
    title: string;
    id?: bigint;
    handle?: string;
    status?: ProductRecord["status"];
    variants: {
      title?: string;
      sku?: string | null;
      id?: bigint;
      inventoryItemId?: bigint;
      tracked?: boolean;
      mutable?: boolean;
      /** location id → quantities; locations not listed do not stock the item. */
      stock?: Record<string, Partial<Quantities>>;
    }[];
  }): { product: ProductRecord; variants: VariantRecord[]; items: InventoryItemRecord[] } {
    const at = this.timestamp();
    const product: ProductRecord = {
      id: input.id ?? this.nextId("product"),
      title: input.title,
      handle: input.handle ?? input.title.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
      status: input.status ?? "ACTIVE",
      createdAt: at,
      updatedAt: at,
      variantIds: [],
    };
    this.products.set(product.id, product);
    const variants: VariantRecord[] = [];
    const items: InventoryItemRecord[] = [];
    for (const [index, spec] of input.variants.entries()) {
      const variantId = spec.id ?? this.nextId("variant");
      const item: InventoryItemRecord = {
        id: spec.inventoryItemId ?? this.nextId("inventoryItem"),
        variantId,
        sku: spec.sku ?? null,
        tracked: spec.tracked ?? true,
        mutable: spec.mutable ?? true,
        createdAt: at,
        updatedAt: at,
      };
      const variant: VariantRecord = {
        id: variantId,
        productId: product.id,
        title: spec.title ?? (input.variants.length === 1 ? "Default Title" : `Variant ${index + 1}`),
        sku: spec.sku ?? null,
        barcode: null,
        inventoryItemId: item.id,
        createdAt: at,
        updatedAt: at,
      };
      this.inventoryItems.set(item.id, item);
      this.variants.set(variant.id, variant);
      product.variantIds.push(variant.id);
      for (const [locationId, quantities] of Object.entries(spec.stock ?? {})) {
        this.stock(item.id, BigInt(locationId), quantities);
      }
      variants.push(variant);
      items.push(item);
    }
    return { product, variants, items };
  }

  /** Stocks an item at a location (creating or activating the level) or overwrites some of its quantities. */
  stock(inventoryItemId: bigint, locationId: bigint, quantities: Partial<Quantities>): LevelRecord {
    if (!this.inventoryItems.has(inventoryItemId)) throw new Error(`unknown inventory item ${inventoryItemId}`);
    if (!this.locations.has(locationId)) throw new Error(`unknown location ${locationId}`);
    const key = levelKey(inventoryItemId, locationId);
    const at = this.timestamp();
    const existing = this.levels.get(key);
    const level: LevelRecord = existing ?? {
      inventoryItemId,
      locationId,
      quantities: noQuantities(),
      isActive: true,
      createdAt: at,
      updatedAt: at,
    };
    level.isActive = true;
    Object.assign(level.quantities, quantities);
    level.updatedAt = at;
    this.levels.set(key, level);
    this.touchItem(inventoryItemId, at);
    return level;
  }

  level(inventoryItemId: bigint, locationId: bigint): LevelRecord | undefined {
    return this.levels.get(levelKey(inventoryItemId, locationId));
  }

  private touchItem(inventoryItemId: bigint, at: string): void {
    const item = this.inventoryItems.get(inventoryItemId);
    if (!item) return;
    item.updatedAt = at;
    const variant = this.variants.get(item.variantId);
    if (variant) variant.updatedAt = at;
  }

  /** Registers a change that happens just before the next inventory mutation (the competing writer). */
  onNextInventoryMutation(change: () => void): void {
    this.beforeNextMutation.push(change);
  }

  /**
   * An order: moves `quantity` from available to committed at a location, as Shopify does
   * when an order is placed (CHANNELS.md "Orders move available → committed").
   */
  placeOrder(lines: { inventoryItemId: bigint; locationId: bigint; quantity: number }[]): AdjustmentGroupRecord {
    const changes: AdjustmentChangeRecord[] = [];
    for (const line of lines) {
      const level = this.level(line.inventoryItemId, line.locationId);
      if (!level) throw new Error(`item ${line.inventoryItemId} is not stocked at ${line.locationId}`);
      level.quantities.available -= line.quantity;
      level.quantities.committed += line.quantity;
      changes.push(
        {
          name: "available",
          delta: -line.quantity,
          quantityAfterChange: level.quantities.available,
          ledgerDocumentUri: null,
          inventoryItemId: line.inventoryItemId,
          locationId: line.locationId,
        },
        {
          name: "committed",
          delta: line.quantity,
          quantityAfterChange: level.quantities.committed,
          ledgerDocumentUri: null,
          inventoryItemId: line.inventoryItemId,
          locationId: line.locationId,
        },
      );
    }
    return this.recordGroup("order", "order", null, changes, lines);
  }

  /** Someone else (POS, another app, a merchant) adds `delta` to a quantity, without CAS. */
  adjustBy(
    inventoryItemId: bigint,
    locationId: bigint,
    name: StoredQuantityName,
    delta: number,
    actor = "competitor",
  ): AdjustmentGroupRecord {
    const level = this.level(inventoryItemId, locationId);
    if (!level) throw new Error(`item ${inventoryItemId} is not stocked at ${locationId}`);
    level.quantities[name] += delta;
    return this.recordGroup(
      actor,
      "correction",
      null,
      [
        {
          name,
          delta,
          quantityAfterChange: level.quantities[name],
          ledgerDocumentUri: null,
          inventoryItemId,
          locationId,
        },
      ],
      [{ inventoryItemId, locationId }],
    );
  }

  /**
   * The quantities a mutation works on at a level: a copy, so several changes to one level
   * see each other and nothing is kept unless all pass. Where the item is not stocked the
   * level starts at zero and is created inactive on commit (2026-10: no more
   * ITEM_NOT_STOCKED_AT_LOCATION; shopify.dev/changelog/removal-of-itemnotstockedatlocation-error).
   */
  private workingQuantities(working: Working, inventoryItemId: bigint, locationId: bigint): Quantities {
    const key = levelKey(inventoryItemId, locationId);
    let entry = working.get(key);
    if (!entry) {
      const level = this.levels.get(key);
      entry = { inventoryItemId, locationId, quantities: level ? { ...level.quantities } : noQuantities() };
      working.set(key, entry);
    }
    return entry.quantities;
  }

  /** A mutation that passed every check: its working quantities become the levels, as one adjustment group. */
  private commitApiChanges(
    working: Working,
    reason: string,
    referenceDocumentUri: string | null,
    changes: AdjustmentChangeRecord[],
  ): InventoryPayload {
    const touched = [...working].map(([key, { inventoryItemId, locationId, quantities }]) => {
      let level = this.levels.get(key);
      if (!level) {
        const at = this.timestamp();
        level = {
          inventoryItemId,
          locationId,
          quantities: noQuantities(),
          isActive: false,
          createdAt: at,
          updatedAt: at,
        };
        this.levels.set(key, level);
      }
      Object.assign(level.quantities, quantities);
      return { inventoryItemId, locationId };
    });
    return { group: this.recordGroup("api", reason, referenceDocumentUri, changes, touched), userErrors: [] };
  }

  private recordGroup(
    actor: string,
    reason: string,
    referenceDocumentUri: string | null,
    changes: AdjustmentChangeRecord[],
    touched: { inventoryItemId: bigint; locationId: bigint }[],
  ): AdjustmentGroupRecord {
    const at = this.timestamp();
    for (const { inventoryItemId, locationId } of touched) {
      const level = this.level(inventoryItemId, locationId);
      if (level) level.updatedAt = at;
      this.touchItem(inventoryItemId, at);
    }
    const group: AdjustmentGroupRecord = {
      id: this.nextId("other"),
      createdAt: at,
      reason,
      referenceDocumentUri,
      changes,
      actor,
    };
    this.adjustmentGroups.push(group);
    return group;
  }

  // ---- idempotency ------------------------------------------------------------------------

  private withIdempotency(
    key: string | undefined,
    mutation: string,
    args: unknown,
    run: () => InventoryPayload,
  ): InventoryPayload {
    if (!key) {
      throw new TopLevelError(
        `The @idempotent directive is required for ${mutation} (since 2026-04). Provide @idempotent(key: "<unique key>").`,
        "IDEMPOTENCY_KEY_REQUIRED",
      );
    }
    const fingerprint = `${mutation}:${canonicalJson(args)}`;
    const previous = this.idempotency.get(key);
    if (previous) {
      if (previous.fingerprint !== fingerprint) {
        return {
          group: null,
          userErrors: [
            {
              field: null,
              code: "IDEMPOTENCY_KEY_PARAMETER_MISMATCH",
              message: "The same idempotency key cannot be used with different operation parameters.",
            },
          ],
        };
      }
      if (previous.outcome === "failed") {
        return {
          group: null,
          userErrors: [
            {
              field: null,
              code: "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED",
              message: "A previous request with this idempotency key failed. Retry with a new idempotency key.",
            },
          ],
        };
      }
      return previous.payload;
    }
    for (const change of this.beforeNextMutation.splice(0)) change();
    const payload = run();
    if (!payload.userErrors.length) this.runCompetingWriters(payload.group);
    this.idempotency.set(key, { fingerprint, outcome: payload.userErrors.length ? "failed" : "succeeded", payload });
    return payload;
  }

  private runCompetingWriters(group: AdjustmentGroupRecord | null): void {
    if (!group) return;
    for (const writer of this.competingWriters) {
      const touched = group.changes.some(
        (change) => change.inventoryItemId === writer.inventoryItemId && change.locationId === writer.locationId,
      );
      const level = this.level(writer.inventoryItemId, writer.locationId);
      if (!touched || !level || level.quantities.available === writer.available) continue;
      this.adjustBy(
        writer.inventoryItemId,
        writer.locationId,
        "available",
        writer.available - level.quantities.available,
        "competitor",
      );
    }
  }

  // ---- inventoryMoveQuantities --------------------------------------------------------------

  moveQuantities(input: MoveInput, idempotencyKey: string | undefined): InventoryPayload {
    if (input.changes.length > MAX_INPUT_ARRAY) {
      throw new TopLevelError(
        `The input array size of ${input.changes.length} is greater than the maximum allowed of ${MAX_INPUT_ARRAY}.`,
        "MAX_INPUT_SIZE_EXCEEDED",
      );
    }
    input.changes.forEach((change, index) => {
      for (const side of ["from", "to"] as const) {
        if (!("changeFromQuantity" in change[side])) {
          throw new TopLevelError(
            `changeFromQuantity is required on input.changes[${index}].${side} (pass null to opt out of the compare-and-swap check).`,
            "INVALID_FIELD_ARGUMENTS",
          );
        }
      }
    });
    return this.withIdempotency(idempotencyKey, "inventoryMoveQuantities", input, () => this.applyMove(input));
  }

  private applyMove(input: MoveInput): InventoryPayload {
    const errors: UserError[] = [];
    if (!VALID_REASONS.has(input.reason)) {
      errors.push({ field: ["input", "reason"], code: "INVALID_REASON", message: "The specified reason is invalid." });
    }
    if (!isUri(input.referenceDocumentUri)) {
      errors.push({
        field: ["input", "referenceDocumentUri"],
        code: "INVALID_REFERENCE_DOCUMENT",
        message: "The reference document URI isn't a valid URI.",
      });
    }
    // Validate on a working copy so several changes to one level see each other, then commit all or nothing.
    const working: Working = new Map();
    const changes: AdjustmentChangeRecord[] = [];
    input.changes.forEach((change, index) => {
      const path = ["input", "changes", String(index)];
      const fail = (field: string[], code: string, message: string) =>
        errors.push({ field: [...path, ...field], code, message });
      if (change.quantity < 0)
        return fail(["quantity"], "INVALID_QUANTITY_NEGATIVE", "The quantity can't be negative.");
      if (change.quantity > 1_000_000_000)
        return fail(["quantity"], "INVALID_QUANTITY_TOO_HIGH", "The quantity can't be higher than 1,000,000,000.");
      const itemId = parseGidOf("InventoryItem", change.inventoryItemId);
      const item = itemId === null ? undefined : this.inventoryItems.get(itemId);
      if (!item)
        return fail(["inventoryItemId"], "INVALID_INVENTORY_ITEM", "The specified inventory item could not be found.");
      if (!item.mutable)
        return fail(
          ["inventoryItemId"],
          "NON_MUTABLE_INVENTORY_ITEM",
          "The specified inventory item is not allowed to be adjusted via API.",
        );
      for (const side of ["from", "to"] as const) {
        const terminal = change[side];
        if (!MOVABLE_NAMES.has(terminal.name))
          return fail(
            [side, "name"],
            "INVALID_QUANTITY_NAME",
            `The quantity name '${terminal.name}' is not valid for a move.`,
          );
        const uri = terminal.ledgerDocumentUri ?? null;
        if (terminal.name === "available" && uri !== null)
          return fail(
            [side, "ledgerDocumentUri"],
            "INVALID_AVAILABLE_DOCUMENT",
            "A stored document URI is not allowed when adjusting available.",
          );
        if (terminal.name !== "available") {
          if (uri === null)
            return fail(
              [side, "ledgerDocumentUri"],
              "INVALID_LEDGER_DOCUMENT",
              `A stored document URI is required for a move of '${terminal.name}'.`,
            );
          if (uri.startsWith("gid://shopify/"))
            return fail(
              [side, "ledgerDocumentUri"],
              "INTERNAL_LEDGER_DOCUMENT",
              "Internal (gid://shopify/) stored documents are not allowed to be adjusted via API.",
            );
          if (!isUri(uri))
            return fail(
              [side, "ledgerDocumentUri"],
              "INVALID_LEDGER_DOCUMENT",
              "The stored document URI isn't a valid URI.",
            );
        }
      }
      const fromLocation = parseGidOf("Location", change.from.locationId);
      const toLocation = parseGidOf("Location", change.to.locationId);
      if (fromLocation === null || !this.locations.has(fromLocation))
        return fail(["from", "locationId"], "INVALID_LOCATION", "The specified location could not be found.");
      if (toLocation === null || !this.locations.has(toLocation))
        return fail(["to", "locationId"], "INVALID_LOCATION", "The specified location could not be found.");
      if (fromLocation !== toLocation && change.from.name !== change.to.name)
        return fail(
          ["to", "locationId"],
          "DIFFERENT_LOCATIONS",
          "The quantities can't be moved between different locations.",
        );
      if (fromLocation === toLocation && change.from.name === change.to.name)
        return fail(["to", "name"], "SAME_QUANTITY_NAME", "The quantity names for each change can't be the same.");
      const sides = [
        { side: "from" as const, terminal: change.from, locationId: fromLocation, delta: -change.quantity },
        { side: "to" as const, terminal: change.to, locationId: toLocation, delta: change.quantity },
      ];
      for (const { side, terminal, locationId } of sides) {
        const quantities = this.workingQuantities(working, item.id, locationId);
        const current = quantities[terminal.name as StoredQuantityName];
        if (
          terminal.changeFromQuantity !== null &&
          terminal.changeFromQuantity !== undefined &&
          terminal.changeFromQuantity !== current
        ) {
          return fail(
            [side, "changeFromQuantity"],
            "CHANGE_FROM_QUANTITY_STALE",
            "The changeFromQuantity argument no longer matches the persisted quantity.",
          );
        }
      }
      for (const { terminal, locationId, delta } of sides) {
        const quantities = this.workingQuantities(working, item.id, locationId);
        const name = terminal.name as StoredQuantityName;
        quantities[name] += delta;
        // available may go negative on Shopify (overselling); the held names may not.
        if (name !== "available" && quantities[name] < 0)
          return fail(["quantity"], "INVALID_QUANTITY_NEGATIVE", `The move would make '${name}' negative.`);
        changes.push({
          name,
          delta,
          quantityAfterChange: quantities[name],
          ledgerDocumentUri: terminal.ledgerDocumentUri ?? null,
          inventoryItemId: item.id,
          locationId,
        });
      }
    });
    if (errors.length) return { group: null, userErrors: errors };
    return this.commitApiChanges(working, input.reason, input.referenceDocumentUri, changes);
  }

  // ---- inventoryAdjustQuantities ------------------------------------------------------------

  adjustQuantities(input: AdjustInput, idempotencyKey: string | undefined): InventoryPayload {
    if (input.changes.length > MAX_INPUT_ARRAY) {
      throw new TopLevelError(
        `The input array size of ${input.changes.length} is greater than the maximum allowed of ${MAX_INPUT_ARRAY}.`,
        "MAX_INPUT_SIZE_EXCEEDED",
      );
    }
    input.changes.forEach((change, index) => {
      if (!("changeFromQuantity" in change)) {
        throw new TopLevelError(
          `changeFromQuantity is required on input.changes[${index}] (pass null to opt out of the compare-and-swap check).`,
          "INVALID_FIELD_ARGUMENTS",
        );
      }
    });
    return this.withIdempotency(idempotencyKey, "inventoryAdjustQuantities", input, () => {
      const errors: UserError[] = [];
      const name = input.name as StoredQuantityName;
      if (!MOVABLE_NAMES.has(input.name) && input.name !== "incoming") {
        errors.push({
          field: ["input", "name"],
          code: "INVALID_QUANTITY_NAME",
          message: `The quantity name '${input.name}' is not valid.`,
        });
      }
      if (!VALID_REASONS.has(input.reason))
        errors.push({
          field: ["input", "reason"],
          code: "INVALID_REASON",
          message: "The specified reason is invalid.",
        });
      const working: Working = new Map();
      const changes: AdjustmentChangeRecord[] = [];
      if (!errors.length) {
        input.changes.forEach((change, index) => {
          const fail = (field: string, code: string, message: string) =>
            errors.push({ field: ["input", "changes", String(index), field], code, message });
          const itemId = parseGidOf("InventoryItem", change.inventoryItemId);
          const locationId = parseGidOf("Location", change.locationId);
          if (itemId === null || !this.inventoryItems.has(itemId))
            return fail(
              "inventoryItemId",
              "INVALID_INVENTORY_ITEM",
              "The specified inventory item could not be found.",
            );
          if (locationId === null || !this.locations.has(locationId))
            return fail("locationId", "INVALID_LOCATION", "The specified location could not be found.");
          const uri = change.ledgerDocumentUri ?? null;
          if (name === "available" && uri !== null)
            return fail(
              "ledgerDocumentUri",
              "INVALID_AVAILABLE_DOCUMENT",
              "A stored document URI is not allowed when adjusting available.",
            );
          if (name !== "available" && (uri === null || !isUri(uri)))
            return fail("ledgerDocumentUri", "INVALID_LEDGER_DOCUMENT", "A valid stored document URI is required.");
          if (uri?.startsWith("gid://shopify/"))
            return fail(
              "ledgerDocumentUri",
              "INTERNAL_LEDGER_DOCUMENT",
              "Internal (gid://shopify/) stored documents are not allowed to be adjusted via API.",
            );
          const quantities = this.workingQuantities(working, itemId, locationId);
          if (
            change.changeFromQuantity !== null &&
            change.changeFromQuantity !== undefined &&
            change.changeFromQuantity !== quantities[name]
          ) {
            return fail(
              "changeFromQuantity",
              "CHANGE_FROM_QUANTITY_STALE",
              "The changeFromQuantity argument no longer matches the persisted quantity.",
            );
          }
          quantities[name] += change.delta;
          changes.push({
            name,
            delta: change.delta,
            quantityAfterChange: quantities[name],
            ledgerDocumentUri: uri,
            inventoryItemId: itemId,
            locationId,
          });
        });
      }
      if (errors.length) return { group: null, userErrors: errors };
      return this.commitApiChanges(working, input.reason, input.referenceDocumentUri ?? null, changes);
    });
  }

  // ---- metafields ----------------------------------------------------------------------------

  /** `$app` → `app--<appId>`, `$app:sub` → `app--<appId>--sub` (shopify.dev/docs/apps/build/custom-data/ownership). */
  resolveNamespace(namespace: string | null | undefined): string {
    const value = namespace ?? "$app";
    if (value === "$app") return `app--${this.appId}`;
    if (value.startsWith("$app:")) return `app--${this.appId}--${value.slice(5)}`;
    return value;
  }

  ownerExists(ownerGid: string): string | null {
    const parsed = parseGid(ownerGid);
    if (!parsed) return null;
    switch (parsed.type) {
      case "Product":
        return this.products.has(parsed.id) ? "PRODUCT" : null;
      case "ProductVariant":
        return this.variants.has(parsed.id) ? "PRODUCTVARIANT" : null;
      case "Collection":
        return this.collections.has(parsed.id) ? "COLLECTION" : null;
      case "Shop":
        return parsed.id === this.shopId ? "SHOP" : null;
      default:
        return null;
    }
  }

  metafield(ownerGid: string, namespace: string | null | undefined, key: string): MetafieldRecord | undefined {
    return this.metafields.get(metafieldKey(ownerGid, this.resolveNamespace(namespace), key));
  }

  metafieldsOf(ownerGid: string, namespace: string | null | undefined): MetafieldRecord[] {
    const resolved = namespace === undefined || namespace === null ? null : this.resolveNamespace(namespace);
    return [...this.metafields.values()].filter(
      (record) => record.ownerGid === ownerGid && (resolved === null || record.namespace === resolved),
    );
  }

  metafieldsSet(inputs: MetafieldSetInput[]): MetafieldsPayload {
    if (inputs.length > MAX_METAFIELDS_PER_SET) {
      return {
        metafields: null,
        userErrors: [
          {
            field: ["metafields"],
            code: "LESS_THAN_OR_EQUAL_TO",
            message: `Exceeded the maximum metafields input limit of ${MAX_METAFIELDS_PER_SET}.`,
          },
        ],
      };
    }
    const errors: UserError[] = [];
    inputs.forEach((input, index) => {
      const fail = (field: string, code: string, message: string) =>
        errors.push({ field: ["metafields", String(index), field], code, message, elementIndex: index });
      const namespace = this.resolveNamespace(input.namespace);
      if (namespace.startsWith("app--") && !namespace.startsWith(`app--${this.appId}`)) {
        return fail("namespace", "APP_NOT_AUTHORIZED", "Access to this namespace is restricted.");
      }
      if (!this.ownerExists(input.ownerId)) return fail("ownerId", "INVALID_VALUE", "Owner does not exist.");
      if (input.key.length < 2) return fail("key", "TOO_SHORT", "Key is too short (minimum is 2 characters).");
      const existing = this.metafields.get(metafieldKey(input.ownerId, namespace, input.key));
      const type = input.type ?? existing?.type;
      if (!type) return fail("type", "BLANK", "Type can't be blank.");
      if (type === "json") {
        try {
          JSON.parse(input.value);
        } catch {
          return fail("value", "INVALID_VALUE", "Value is invalid JSON.");
        }
      }
      if (type === "number_integer" && !/^-?\d+$/.test(input.value))
        return fail("value", "INVALID_VALUE", "Value must be an integer.");
      if ("compareDigest" in input && input.compareDigest !== undefined) {
        const current = existing ? metafieldDigest(existing.value) : null;
        if (input.compareDigest !== current) {
          return fail(
            "compareDigest",
            "STALE_OBJECT",
            "The resource has been updated since it was loaded. Try again with an updated `compareDigest` value.",
          );
        }
      }
    });
    if (errors.length) return { metafields: null, userErrors: errors };
    const at = this.timestamp();
    const written = inputs.map((input) => {
      const namespace = this.resolveNamespace(input.namespace);
      const key = metafieldKey(input.ownerId, namespace, input.key);
      const existing = this.metafields.get(key);
      const record: MetafieldRecord = existing
        ? { ...existing, value: input.value, type: input.type ?? existing.type, updatedAt: at }
        : {
            id: this.nextId("other"),
            ownerGid: input.ownerId,
            namespace,
            key: input.key,
            value: input.value,
            type: input.type!,
            createdAt: at,
            updatedAt: at,
          };
      this.metafields.set(key, record);
      return record;
    });
    return { metafields: written, userErrors: [] };
  }

  /**
   * The merchant edits a metafield in Shopify admin (the app's definition grants
   * `access.admin = merchant_read_write`): the value changes, and with it the
   * compareDigest, without any API call by the app. The admin's editor refuses invalid
   * JSON for a json metafield; `unchecked` stores the value anyway, to test how the app
   * copes with a value it cannot parse (e.g. written before a definition changed type).
   * An empty value removes the metafield, as clearing the field in admin does.
   */
  editMetafieldInAdmin(
    ownerGid: string,
    key: string,
    value: string,
    options: { namespace?: string; unchecked?: boolean } = {},
  ): MetafieldRecord | null {
    if (!this.ownerExists(ownerGid)) throw new Error(`fake Shopify: no owner ${ownerGid}`);
    const namespace = this.resolveNamespace(options.namespace ?? "$app");
    const mapKey = metafieldKey(ownerGid, namespace, key);
    const existing = this.metafields.get(mapKey);
    if (value === "") {
      this.metafields.delete(mapKey);
      return null;
    }
    const type = existing?.type ?? "json";
    if (type === "json" && !options.unchecked) JSON.parse(value);
    const at = this.timestamp();
    const record: MetafieldRecord = existing
      ? { ...existing, value, updatedAt: at }
      : { id: this.nextId("other"), ownerGid, namespace, key, value, type, createdAt: at, updatedAt: at };
    this.metafields.set(mapKey, record);
    return record;
  }

  addCollection(input: { title: string; id?: bigint; handle?: string }): CollectionRecord {
    const at = this.timestamp();
    const collection: CollectionRecord = {
      id: input.id ?? this.nextId("other"),
      title: input.title,
      handle: input.handle ?? input.title.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
      createdAt: at,
      updatedAt: at,
    };
    this.collections.set(collection.id, collection);
    return collection;
  }

  levelGid(level: LevelRecord): string {
    return gid("InventoryLevel", level.locationId, { inventory_item_id: level.inventoryItemId.toString() });
  }
}

export function levelKey(inventoryItemId: bigint, locationId: bigint): string {
  return `${inventoryItemId}|${locationId}`;
}

function metafieldKey(ownerGid: string, namespace: string, key: string): string {
  return `${ownerGid}|${namespace}|${key}`;
}
