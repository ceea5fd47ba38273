-- DropIndex
DROP INDEX "Interrupt_runId_idx";

-- AlterTable
ALTER TABLE "Run" DROP CONSTRAINT "Run_pkey",
ADD CONSTRAINT "Run_pkey" PRIMARY KEY ("threadId", "id");

-- CreateIndex
CREATE INDEX "Interrupt_threadId_runId_idx" ON "Interrupt"("threadId", "runId");

