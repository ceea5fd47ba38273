-- CreateTable
CREATE TABLE "Interrupt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "threadId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "message" TEXT,
    "toolCallId" TEXT,
    "toolName" TEXT,
    "args" TEXT,
    "responseSchema" TEXT,
    "status" TEXT NOT NULL,
    "payload" TEXT,
    "resolvedBy" TEXT,
    "resolvedVia" TEXT,
    "resolvedAt" DATETIME,
    "result" TEXT,
    "executedAt" DATETIME,
    "createdAt" DATETIME NOT NULL,
    "expiresAt" DATETIME,
    CONSTRAINT "Interrupt_threadId_fkey" FOREIGN KEY ("threadId") REFERENCES "Thread" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ToolCall" (
    "threadId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "answeredAt" DATETIME,
    "createdAt" DATETIME NOT NULL,

    PRIMARY KEY ("threadId", "id"),
    CONSTRAINT "ToolCall_threadId_fkey" FOREIGN KEY ("threadId") REFERENCES "Thread" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL,
    "tenantId" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "message" TEXT NOT NULL
);

-- CreateIndex
CREATE INDEX "Interrupt_threadId_status_idx" ON "Interrupt"("threadId", "status");

-- CreateIndex
CREATE INDEX "Interrupt_tenantId_status_createdAt_idx" ON "Interrupt"("tenantId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "Interrupt_status_expiresAt_idx" ON "Interrupt"("status", "expiresAt");

-- CreateIndex
CREATE INDEX "Interrupt_runId_idx" ON "Interrupt"("runId");

