-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "onboardedAt" TIMESTAMP(3),
ADD COLUMN "shopifyAuthFailedAt" TIMESTAMP(3),
ADD COLUMN "shopifyAuthFailure" TEXT;

-- AlterTable
ALTER TABLE "ChannelConnection" ADD COLUMN "activatedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "HeldStock" (
    "shop" TEXT NOT NULL,
    "inventoryItemGid" TEXT NOT NULL,
    "locationGid" TEXT NOT NULL,
    "variantGid" TEXT NOT NULL,
    "units" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "HeldStock_pkey" PRIMARY KEY ("shop","inventoryItemGid","locationGid")
);

-- CreateTable
CREATE TABLE "HoldMove" (
    "idempotencyKey" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "move" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HoldMove_pkey" PRIMARY KEY ("idempotencyKey")
);

-- CreateIndex
CREATE INDEX "HeldStock_shop_variantGid_idx" ON "HeldStock"("shop", "variantGid");

-- CreateIndex
CREATE INDEX "HoldMove_shop_createdAt_idx" ON "HoldMove"("shop", "createdAt");

-- Shops installed before observe mode existed keep the channels they were already running.
UPDATE "ChannelConnection" SET "activatedAt" = CURRENT_TIMESTAMP WHERE "state" <> 'disconnected';
UPDATE "Shop" SET "onboardedAt" = CURRENT_TIMESTAMP;
