-- AlterTable
ALTER TABLE "ChannelItemState" ADD COLUMN "checkedAt" DATETIME;

-- CreateTable
CREATE TABLE "DriftEpisode" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "itemKey" TEXT NOT NULL,
    "variantGid" TEXT NOT NULL,
    "expected" INTEGER NOT NULL,
    "observed" INTEGER NOT NULL,
    "sincePushMs" INTEGER,
    "startedAt" DATETIME NOT NULL,
    "endedAt" DATETIME
);

-- CreateTable
CREATE TABLE "AlertDelivery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "alertId" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "nextAttemptAt" DATETIME,
    "sentAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "FeedToken" (
    "tokenHash" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" DATETIME,
    "lastFetchedAt" DATETIME
);

-- CreateIndex
CREATE INDEX "DriftEpisode_shop_channel_startedAt_idx" ON "DriftEpisode"("shop", "channel", "startedAt");

-- CreateIndex
CREATE INDEX "DriftEpisode_shop_channel_itemKey_endedAt_idx" ON "DriftEpisode"("shop", "channel", "itemKey", "endedAt");

-- CreateIndex
CREATE INDEX "AlertDelivery_shop_state_idx" ON "AlertDelivery"("shop", "state");

-- CreateIndex
CREATE UNIQUE INDEX "AlertDelivery_alertId_target_event_key" ON "AlertDelivery"("alertId", "target", "event");

-- CreateIndex
CREATE INDEX "FeedToken_shop_channel_idx" ON "FeedToken"("shop", "channel");

