-- What a long operation was asked for and what it found (the rehearsal of a shop's own
-- settings: its family and checkout places in, its cost table and chart out). Empty for
-- existing rows and for operations that take no input.
ALTER TABLE "Operation" ADD COLUMN "input" JSONB;
ALTER TABLE "Operation" ADD COLUMN "result" JSONB;
