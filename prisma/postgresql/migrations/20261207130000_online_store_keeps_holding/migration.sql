-- Before observe mode an Online Store without a connection row held stock (no row meant
-- active), and now no row means observe mode, which releases Ballast's holds. Shops installed
-- before observe mode keep their Online Store running: it gets a row, activated.
INSERT INTO "ChannelConnection" ("shop", "channel", "state", "activatedAt", "updatedAt")
SELECT "Shop"."shop", 'online_store', 'active', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM "Shop"
WHERE "Shop"."uninstalledAt" IS NULL
  AND NOT EXISTS (SELECT 1 FROM "ChannelConnection" WHERE "ChannelConnection"."shop" = "Shop"."shop" AND "ChannelConnection"."channel" = 'online_store');
