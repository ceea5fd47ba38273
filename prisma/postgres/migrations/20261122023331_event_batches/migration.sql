-- AlterTable
ALTER TABLE "Event" ADD COLUMN     "lastSeq" INTEGER NOT NULL DEFAULT 0;

-- Each event logged before batches were stored as rows becomes a batch of one.
UPDATE "Event" SET "lastSeq" = "seq";

-- CreateIndex
CREATE INDEX "Event_threadId_lastSeq_idx" ON "Event"("threadId", "lastSeq");

