-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "onboardedAt" DATETIME;
ALTER TABLE "Shop" ADD COLUMN "shopifyAuthFailedAt" DATETIME;
ALTER TABLE "Shop" ADD COLUMN "shopifyAuthFailure" TEXT;

-- AlterTable
ALTER TABLE "ChannelConnection" ADD COLUMN "activatedAt" DATETIME;

-- CreateTable
CREATE TABLE "HeldStock" (
    "shop" TEXT NOT NULL,
    "inventoryItemGid" TEXT NOT NULL,
    "locationGid" TEXT NOT NULL,
    "variantGid" TEXT NOT NULL,
    "units" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "inventoryItemGid", "locationGid")
);

-- CreateTable
CREATE TABLE "HoldMove" (
    "idempotencyKey" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "move" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "HeldStock_shop_variantGid_idx" ON "HeldStock"("shop", "variantGid");

-- CreateIndex
CREATE INDEX "HoldMove_shop_createdAt_idx" ON "HoldMove"("shop", "createdAt");

-- Shops installed before observe mode existed keep the channels they were already running.
UPDATE "ChannelConnection" SET "activatedAt" = CURRENT_TIMESTAMP WHERE "state" <> 'disconnected';
UPDATE "Shop" SET "onboardedAt" = CURRENT_TIMESTAMP;
