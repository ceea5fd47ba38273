-- DropIndex
DROP INDEX "Event_threadId_lastSeq_idx";

