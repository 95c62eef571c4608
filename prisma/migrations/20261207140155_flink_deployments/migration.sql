-- CreateTable
CREATE TABLE "FlinkDeployment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "pipelineId" TEXT,
    "version" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "gatewayUrl" TEXT NOT NULL,
    "restUrl" TEXT,
    "flinkJobId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'SUBMITTING',
    "error" TEXT,
    "sql" TEXT NOT NULL,
    "notes" TEXT NOT NULL DEFAULT '[]',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "endedAt" DATETIME,
    CONSTRAINT "FlinkDeployment_pipelineId_fkey" FOREIGN KEY ("pipelineId") REFERENCES "Pipeline" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "FlinkDeployment_pipelineId_createdAt_idx" ON "FlinkDeployment"("pipelineId", "createdAt");

-- CreateIndex
CREATE INDEX "FlinkDeployment_createdAt_idx" ON "FlinkDeployment"("createdAt");

