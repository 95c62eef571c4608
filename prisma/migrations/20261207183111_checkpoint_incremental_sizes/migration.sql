-- AlterTable
ALTER TABLE "Checkpoint" ADD COLUMN "fullSizeBytes" BIGINT;
ALTER TABLE "Checkpoint" ADD COLUMN "incrementalSizeBytes" BIGINT;

