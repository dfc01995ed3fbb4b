-- One name for one thing: the table that holds each variant's master record was called
-- Ledger while the code called its rows master records. Renamed, rows kept.
ALTER TABLE "Ledger" RENAME TO "MasterRecord";
DROP INDEX "Ledger_shop_dirty_idx";
CREATE INDEX "MasterRecord_shop_dirty_idx" ON "MasterRecord"("shop", "dirty");
