-- AlterTable
ALTER TABLE "ChannelItemState" ADD COLUMN "pendingSince" DATETIME;
