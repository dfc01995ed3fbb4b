-- One name for one thing: the table that holds each variant's master record was called
-- Ledger while the code called its rows master records. Renamed, rows kept.
ALTER TABLE "Ledger" RENAME TO "MasterRecord";
ALTER TABLE "MasterRecord" RENAME CONSTRAINT "Ledger_pkey" TO "MasterRecord_pkey";
ALTER INDEX "Ledger_shop_dirty_idx" RENAME TO "MasterRecord_shop_dirty_idx";
