-- CreateTable
CREATE TABLE "MessageBatch" (
    "threadId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "runId" TEXT,
    "data" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,

    PRIMARY KEY ("threadId", "seq"),
    CONSTRAINT "MessageBatch_threadId_fkey" FOREIGN KEY ("threadId") REFERENCES "Thread" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- Each message stored before batches were rows becomes a batch of one, in the same order.
INSERT INTO "MessageBatch" ("threadId", "seq", "runId", "data", "createdAt")
SELECT "threadId", "seq", "runId", '[' || "data" || ']', "createdAt" FROM "Message";

-- DropTable
PRAGMA foreign_keys=off;
DROP TABLE "Message";
PRAGMA foreign_keys=on;
