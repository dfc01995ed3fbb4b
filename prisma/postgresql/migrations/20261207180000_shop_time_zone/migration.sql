-- The shop's time zone, so the worker writes alert emails in it, and the staff member
-- behind each activity entry. Both unknown for existing rows.
ALTER TABLE "Shop" ADD COLUMN "timeZone" TEXT;
ALTER TABLE "Activity" ADD COLUMN "actor" TEXT;
