-- CreateTable
CREATE TABLE "MessageBatch" (
    "threadId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "runId" TEXT,
    "data" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MessageBatch_pkey" PRIMARY KEY ("threadId","seq")
);

-- Each message stored before batches were rows becomes a batch of one, in the same order.
INSERT INTO "MessageBatch" ("threadId", "seq", "runId", "data", "createdAt")
SELECT "threadId", "seq", "runId", '[' || "data" || ']', "createdAt" FROM "Message";

-- DropForeignKey
ALTER TABLE "Message" DROP CONSTRAINT "Message_threadId_fkey";

-- DropTable
DROP TABLE "Message";

-- AddForeignKey
ALTER TABLE "MessageBatch" ADD CONSTRAINT "MessageBatch_threadId_fkey" FOREIGN KEY ("threadId") REFERENCES "Thread"("id") ON DELETE CASCADE ON UPDATE CASCADE;
