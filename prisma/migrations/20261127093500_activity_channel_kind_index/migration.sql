-- CreateIndex
CREATE INDEX "Activity_shop_channel_kind_at_idx" ON "Activity"("shop", "channel", "kind", "at");
