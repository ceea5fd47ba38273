-- DropIndex
DROP INDEX "Interrupt_runId_idx";

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Run" (
    "id" TEXT NOT NULL,
    "threadId" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "input" TEXT NOT NULL,
    "outcome" TEXT,
    "errorCode" TEXT,
    "errorMessage" TEXT,
    "usage" TEXT,
    "startedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,

    PRIMARY KEY ("threadId", "id"),
    CONSTRAINT "Run_threadId_fkey" FOREIGN KEY ("threadId") REFERENCES "Thread" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Run" ("agentId", "errorCode", "errorMessage", "finishedAt", "id", "input", "outcome", "startedAt", "status", "threadId", "usage") SELECT "agentId", "errorCode", "errorMessage", "finishedAt", "id", "input", "outcome", "startedAt", "status", "threadId", "usage" FROM "Run";
DROP TABLE "Run";
ALTER TABLE "new_Run" RENAME TO "Run";
CREATE INDEX "Run_threadId_startedAt_idx" ON "Run"("threadId", "startedAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Interrupt_threadId_runId_idx" ON "Interrupt"("threadId", "runId");

