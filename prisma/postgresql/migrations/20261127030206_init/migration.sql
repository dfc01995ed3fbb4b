-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" TIMESTAMP(3),
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
    "refreshTokenExpires" TIMESTAMP(3),

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Shop" (
    "shop" TEXT NOT NULL,
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" TIMESTAMP(3),
    "locale" TEXT NOT NULL DEFAULT 'en',
    "settings" JSONB,
    "recomputeRequestedAt" TIMESTAMP(3),
    "lastReconciledAt" TIMESTAMP(3),
    "lastFullReadAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Shop_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "Location" (
    "shop" TEXT NOT NULL,
    "gid" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Location_pkey" PRIMARY KEY ("shop","gid")
);

-- CreateTable
CREATE TABLE "Variant" (
    "shop" TEXT NOT NULL,
    "gid" TEXT NOT NULL,
    "productGid" TEXT NOT NULL,
    "inventoryItemGid" TEXT NOT NULL,
    "title" TEXT NOT NULL DEFAULT '',
    "sku" TEXT,
    "price" DECIMAL(65,30) NOT NULL DEFAULT 0,
    "tracked" BOOLEAN NOT NULL DEFAULT true,
    "collectionGids" JSONB,
    "deletedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Variant_pkey" PRIMARY KEY ("shop","gid")
);

-- CreateTable
CREATE TABLE "Ledger" (
    "shop" TEXT NOT NULL,
    "variantGid" TEXT NOT NULL,
    "record" JSONB NOT NULL,
    "dirty" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Ledger_pkey" PRIMARY KEY ("shop","variantGid")
);

-- CreateTable
CREATE TABLE "OrderRecord" (
    "shop" TEXT NOT NULL,
    "orderGid" TEXT NOT NULL,
    "sourceName" TEXT,
    "lines" JSONB NOT NULL,
    "placedAt" TIMESTAMP(3) NOT NULL,
    "cancelledAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OrderRecord_pkey" PRIMARY KEY ("shop","orderGid")
);

-- CreateTable
CREATE TABLE "BufferRule" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "scopeGid" TEXT NOT NULL DEFAULT '',
    "rule" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BufferRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Override" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "variantGid" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "reason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Override_pkey" PRIMARY KEY ("id")
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
    "lastHealthAt" TIMESTAMP(3),
    "lastHealthError" TEXT,
    "lastPushAt" TIMESTAMP(3),
    "recentWriteCalls" JSONB,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChannelConnection_pkey" PRIMARY KEY ("shop","channel")
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
    "computedAt" TIMESTAMP(3) NOT NULL,
    "pushed" INTEGER,
    "pushedAt" TIMESTAMP(3),
    "confirmed" INTEGER,
    "confirmedAt" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3),
    "lastError" TEXT,
    "parkedAt" TIMESTAMP(3),

    CONSTRAINT "ChannelItemState_pkey" PRIMARY KEY ("shop","channel","itemKey")
);

-- CreateTable
CREATE TABLE "ChannelLease" (
    "shop" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChannelLease_pkey" PRIMARY KEY ("shop","channel")
);

-- CreateTable
CREATE TABLE "WebhookEvent" (
    "shop" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "apiVersion" TEXT NOT NULL,
    "triggeredAt" TIMESTAMP(3),
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "payload" TEXT NOT NULL,
    "processedAt" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,

    CONSTRAINT "WebhookEvent_pkey" PRIMARY KEY ("shop","eventId")
);

-- CreateTable
CREATE TABLE "Operation" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'queued',
    "done" INTEGER NOT NULL DEFAULT 0,
    "total" INTEGER,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Operation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LagSample" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "pushedAt" TIMESTAMP(3) NOT NULL,
    "observedAt" TIMESTAMP(3) NOT NULL,
    "lagMs" INTEGER NOT NULL,

    CONSTRAINT "LagSample_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Alert" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "channel" TEXT,
    "kind" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "details" JSONB,
    "openedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),
    "acknowledgedAt" TIMESTAMP(3),

    CONSTRAINT "Alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Activity" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "channel" TEXT,
    "variantGid" TEXT,
    "kind" TEXT NOT NULL,
    "details" JSONB NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Activity_pkey" PRIMARY KEY ("id")
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

