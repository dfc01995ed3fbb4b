/**
 * Ballast's pure inventory engine: master record, buffer rules, allocation per
 * channel, velocity, explanations. No I/O; time is always a parameter.
 * See README.md beside this file.
 */
export {
  shopDomainSchema,
  variantGidSchema,
  productGidSchema,
  collectionGidSchema,
  locationGidSchema,
  orderGidSchema,
  shopDomain,
  variantGid,
  productGid,
  collectionGid,
  locationGid,
  orderGid,
} from "./ids";
export type { Brand, ShopDomain, VariantGid, ProductGid, CollectionGid, LocationGid, OrderGid } from "./ids";

export {
  CHANNELS,
  CHANNEL_NAMES,
  CHANNEL_STATES,
  CHANNEL_MODES,
  CHECKOUT_PLACES,
  GOOGLE_LOW_STOCK_MODES,
  DEFAULT_CHANNEL_SETTINGS,
  DEFAULT_CHANNEL_TIMING,
  TIMING_SELECTION,
  DEFAULT_THIN_STOCK_UNITS,
  channelIdSchema,
  LOCALES,
  channelModeOf,
  channelSettingsSchema,
  onlineStoreChannelSettingsSchema,
  thinStockSchema,
  googleChannelSettingsSchema,
  shopChannelSettingsSchema,
  dampingParamsSchema,
  effectiveDelayMs,
  channelLagMs,
  slowerThanMeasured,
  surgeTiming,
  spikeSlackMs,
  SURGE_LAG_LIFT,
  META_COLD_START_LAG_MS,
  metaBudgetWaitMs,
  googleBudgetWaitMs,
  staleSaleCost,
} from "./channels";
export type {
  ChannelId,
  Availability,
  Locale,
  ChannelState,
  ChannelMode,
  ChannelSettings,
  OnlineStoreChannelSettings,
  ThinStock,
  GoogleChannelSettings,
  ShopChannelSettings,
  ChannelTiming,
  CheckoutPlace,
  StaleSaleCost,
  GoogleLowStockMode,
  DampingParams,
} from "./channels";

export {
  createMasterRecord,
  masterRecordSchema,
  applyLevelUpdate,
  applyOwnSafetyStockMove,
  applyOrder,
  applyOrderCancelled,
  sellableUnits,
  sellableBreakdown,
} from "./master-record";
export type {
  MasterRecord,
  LocationLevels,
  StampedQuantity,
  OrderHold,
  CancelledOrder,
  LocationScope,
  LevelUpdate,
  OwnSafetyStockMove,
  OrderSeen,
  SellableBreakdown,
} from "./master-record";

export {
  EMPTY_VELOCITY,
  DEFAULT_RATE_CONFIDENCE,
  DEFAULT_VELOCITY_CONFIG,
  DEFAULT_SURGE_CONFIG,
  demandLift,
  recordSale,
  salesRateEstimatePerMs,
  salesRatePerMs,
  salesRatePerMinute,
} from "./velocity";
export type { VelocityState, VelocityConfig, ShopDemandSample, SurgeConfig } from "./velocity";

export { poissonMeanLowerBound, poissonMeanUpperBound, poissonQuantile } from "./poisson";

export { bufferRuleSchema, bufferTierSchema, channelRulesSchema, ruleSetSchema, compileRuleSet } from "./rules";
export type {
  BufferRule,
  BufferTier,
  ChannelRules,
  RuleSet,
  RuleSetInput,
  RuleLevel,
  RuleSource,
  CompiledRuleSet,
} from "./rules";

export { manualOverrideSchema, validateOverride, isOverrideActive } from "./override";
export type { ManualOverride, OverrideRejection, Result } from "./override";

export { INITIAL_DAMPING, dampIncrease, dampingEquivalent } from "./damping";
export type { DampingState, PendingIncrease } from "./damping";

export { allocateItem, forEachAllocation, recompute, decisionsInOrder } from "./allocate";
export type {
  AllocationContext,
  AllocationItem,
  ItemChannelMemory,
  ChannelDecision,
  ItemAllocation,
  FreezeRisk,
  AllocateOptions,
} from "./allocate";

export { MATERIALITY_POLICIES, assessDifference, assessStoredRow, decreaseSlack, renderDeferral } from "./materiality";
export type { MaterialityPolicy, PendingDifference, Materiality, MaterialReason, DeferredReason } from "./materiality";

export { currentSyncRows, syncRowMemory, planSyncRows } from "./sync-rows";
export type {
  StoredSyncRow,
  CatalogChannel,
  CatalogItemKeys,
  PlannedSyncRow,
  SyncRowPlan,
  SyncRowSettings,
  SyncRowItem,
} from "./sync-rows";

export { renderExplanation } from "./explain";
export type { Explanation, ExplanationStep, ExplanationStepKind } from "./explain";

export { DEFAULT_RULES, EXAMPLE_ITEM, EXAMPLE_CONTEXT, EXAMPLE_NOW_MS } from "./default-rules";

export { foldForSearch, variantSearchText, SEARCH_FIELD_SEPARATOR } from "./search-text";
