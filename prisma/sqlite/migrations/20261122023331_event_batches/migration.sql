-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Event" (
    "threadId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "lastSeq" INTEGER NOT NULL DEFAULT 0,
    "runId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "data" TEXT NOT NULL,

    PRIMARY KEY ("threadId", "seq"),
    CONSTRAINT "Event_threadId_fkey" FOREIGN KEY ("threadId") REFERENCES "Thread" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
-- Each event logged before batches were stored as rows becomes a batch of one.
INSERT INTO "new_Event" ("data", "runId", "seq", "lastSeq", "threadId", "type") SELECT "data", "runId", "seq", "seq", "threadId", "type" FROM "Event";
DROP TABLE "Event";
ALTER TABLE "new_Event" RENAME TO "Event";
CREATE INDEX "Event_threadId_lastSeq_idx" ON "Event"("threadId", "lastSeq");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

