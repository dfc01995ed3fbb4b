-- CreateTable
CREATE TABLE "GoogleProductUpdate" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "offerId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "GoogleProductUpdate_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "GoogleProductUpdate_shop_offerId_at_idx" ON "GoogleProductUpdate"("shop", "offerId", "at");

