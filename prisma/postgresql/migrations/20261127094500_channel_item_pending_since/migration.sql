-- AlterTable
ALTER TABLE "ChannelItemState" ADD COLUMN     "pendingSince" TIMESTAMP(3);
