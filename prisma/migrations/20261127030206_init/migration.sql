-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" DATETIME,
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN,
    "locale" TEXT,
    "collaborator" BOOLEAN,
    "emailVerified" BOOLEAN,
    "refreshToken" TEXT,
    "refreshTokenExpires" DATETIME
);

-- CreateTable
CREATE TABLE "Shop" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" DATETIME,
    "locale" TEXT NOT NULL DEFAULT 'en',
    "settings" JSONB,
    "recomputeRequestedAt" DATETIME,
    "lastReconciledAt" DATETIME,
    "lastFullReadAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Location" (
    "shop" TEXT NOT NULL,
    "gid" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "gid")
);

-- CreateTable
CREATE TABLE "Variant" (
    "shop" TEXT NOT NULL,
    "gid" TEXT NOT NULL,
    "productGid" TEXT NOT NULL,
    "inventoryItemGid" TEXT NOT NULL,
    "title" TEXT NOT NULL DEFAULT '',
    "sku" TEXT,
    "price" DECIMAL NOT NULL DEFAULT 0,
    "tracked" BOOLEAN NOT NULL DEFAULT true,
    "collectionGids" JSONB,
    "deletedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "gid")
);

-- CreateTable
CREATE TABLE "Ledger" (
    "shop" TEXT NOT NULL,
    "variantGid" TEXT NOT NULL,
    "record" JSONB NOT NULL,
    "dirty" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "variantGid")
);

-- CreateTable
CREATE TABLE "OrderRecord" (
    "shop" TEXT NOT NULL,
    "orderGid" TEXT NOT NULL,
    "sourceName" TEXT,
    "lines" JSONB NOT NULL,
    "placedAt" DATETIME NOT NULL,
    "cancelledAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "orderGid")
);

-- CreateTable
CREATE TABLE "BufferRule" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "scopeGid" TEXT NOT NULL DEFAULT '',
    "rule" JSONB NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Override" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "variantGid" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "reason" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ChannelConnection" (
    "shop" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'active',
    "settings" JSONB,
    "config" JSONB,
    "encryptedCredentials" TEXT,
    "pausedBy" TEXT,
    "lastHealthAt" DATETIME,
    "lastHealthError" TEXT,
    "lastPushAt" DATETIME,
    "recentWriteCalls" JSONB,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "channel")
);

-- CreateTable
CREATE TABLE "ChannelItemState" (
    "shop" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "itemKey" TEXT NOT NULL,
    "variantGid" TEXT NOT NULL,
    "desired" INTEGER NOT NULL,
    "desiredAvailability" TEXT NOT NULL,
    "explanation" JSONB NOT NULL,
    "dampingState" JSONB,
    "computedAt" DATETIME NOT NULL,
    "pushed" INTEGER,
    "pushedAt" DATETIME,
    "confirmed" INTEGER,
    "confirmedAt" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME,
    "lastError" TEXT,
    "parkedAt" DATETIME,

    PRIMARY KEY ("shop", "channel", "itemKey")
);

-- CreateTable
CREATE TABLE "ChannelLease" (
    "shop" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "channel")
);

-- CreateTable
CREATE TABLE "WebhookEvent" (
    "shop" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "apiVersion" TEXT NOT NULL,
    "triggeredAt" DATETIME,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "payload" TEXT NOT NULL,
    "processedAt" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,

    PRIMARY KEY ("shop", "eventId")
);

-- CreateTable
CREATE TABLE "Operation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'queued',
    "done" INTEGER NOT NULL DEFAULT 0,
    "total" INTEGER,
    "error" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME
);

-- CreateTable
CREATE TABLE "LagSample" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "pushedAt" DATETIME NOT NULL,
    "observedAt" DATETIME NOT NULL,
    "lagMs" INTEGER NOT NULL
);

-- CreateTable
CREATE TABLE "Alert" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "channel" TEXT,
    "kind" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "details" JSONB,
    "openedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" DATETIME,
    "acknowledgedAt" DATETIME
);

-- CreateTable
CREATE TABLE "Activity" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "channel" TEXT,
    "variantGid" TEXT,
    "kind" TEXT NOT NULL,
    "details" JSONB NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE INDEX "Variant_shop_inventoryItemGid_idx" ON "Variant"("shop", "inventoryItemGid");

-- CreateIndex
CREATE INDEX "Variant_shop_productGid_idx" ON "Variant"("shop", "productGid");

-- CreateIndex
CREATE INDEX "Ledger_shop_dirty_idx" ON "Ledger"("shop", "dirty");

-- CreateIndex
CREATE INDEX "OrderRecord_shop_placedAt_idx" ON "OrderRecord"("shop", "placedAt");

-- CreateIndex
CREATE UNIQUE INDEX "BufferRule_shop_channel_scope_scopeGid_key" ON "BufferRule"("shop", "channel", "scope", "scopeGid");

-- CreateIndex
CREATE UNIQUE INDEX "Override_shop_channel_variantGid_key" ON "Override"("shop", "channel", "variantGid");

-- CreateIndex
CREATE INDEX "ChannelItemState_shop_channel_nextAttemptAt_idx" ON "ChannelItemState"("shop", "channel", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "ChannelItemState_shop_variantGid_idx" ON "ChannelItemState"("shop", "variantGid");

-- CreateIndex
CREATE INDEX "WebhookEvent_shop_processedAt_receivedAt_idx" ON "WebhookEvent"("shop", "processedAt", "receivedAt");

-- CreateIndex
CREATE INDEX "Operation_shop_createdAt_idx" ON "Operation"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "Operation_state_createdAt_idx" ON "Operation"("state", "createdAt");

-- CreateIndex
CREATE INDEX "LagSample_shop_channel_observedAt_idx" ON "LagSample"("shop", "channel", "observedAt");

-- CreateIndex
CREATE INDEX "Alert_shop_resolvedAt_idx" ON "Alert"("shop", "resolvedAt");

-- CreateIndex
CREATE INDEX "Alert_shop_dedupeKey_idx" ON "Alert"("shop", "dedupeKey");

-- CreateIndex
CREATE INDEX "Activity_shop_at_idx" ON "Activity"("shop", "at");

-- CreateIndex
CREATE INDEX "Activity_shop_variantGid_at_idx" ON "Activity"("shop", "variantGid", "at");

