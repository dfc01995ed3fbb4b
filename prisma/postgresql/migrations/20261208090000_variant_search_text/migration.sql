-- The variant's title, SKU and barcode folded for search (lower case, no accents), so the item
-- list ignores case and accents alike on SQLite and PostgreSQL. Left NULL here: the app folds
-- (app/domain/search-text.ts), and the item list fills a shop's NULLs before it searches.
ALTER TABLE "Variant" ADD COLUMN "searchText" TEXT;
