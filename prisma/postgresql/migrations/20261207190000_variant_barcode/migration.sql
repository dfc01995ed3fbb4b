-- The variant's barcode (GTIN, UPC, ISBN), so the item list finds an item by it. Unknown until the next catalog read.
ALTER TABLE "Variant" ADD COLUMN "barcode" TEXT;
