-- CreateTable
CREATE TABLE "GoogleProductUpdate" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "offerId" TEXT NOT NULL,
    "at" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "GoogleProductUpdate_shop_offerId_at_idx" ON "GoogleProductUpdate"("shop", "offerId", "at");

