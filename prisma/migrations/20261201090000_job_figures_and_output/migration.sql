-- AlterTable
ALTER TABLE "Job" ADD COLUMN "metrics" TEXT;
ALTER TABLE "Job" ADD COLUMN "metricsAt" DATETIME;

-- CreateTable
CREATE TABLE "JobOutput" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "jobId" TEXT NOT NULL,
    "nodeId" TEXT NOT NULL,
    "rows" TEXT NOT NULL,
    "fromSeq" BIGINT NOT NULL,
    "nextSeq" BIGINT NOT NULL,
    "epoch" INTEGER NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "JobOutput_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "JobOutput_jobId_nodeId_key" ON "JobOutput"("jobId", "nodeId");

