-- CreateTable
CREATE TABLE "Interrupt" (
    "id" TEXT NOT NULL,
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
    "resolvedAt" TIMESTAMP(3),
    "result" TEXT,
    "executedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3),

    CONSTRAINT "Interrupt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ToolCall" (
    "threadId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "answeredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ToolCall_pkey" PRIMARY KEY ("threadId","id")
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "tenantId" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "message" TEXT NOT NULL,

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Interrupt_threadId_status_idx" ON "Interrupt"("threadId", "status");

-- CreateIndex
CREATE INDEX "Interrupt_tenantId_status_createdAt_idx" ON "Interrupt"("tenantId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "Interrupt_status_expiresAt_idx" ON "Interrupt"("status", "expiresAt");

-- CreateIndex
CREATE INDEX "Interrupt_runId_idx" ON "Interrupt"("runId");

-- AddForeignKey
ALTER TABLE "Interrupt" ADD CONSTRAINT "Interrupt_threadId_fkey" FOREIGN KEY ("threadId") REFERENCES "Thread"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ToolCall" ADD CONSTRAINT "ToolCall_threadId_fkey" FOREIGN KEY ("threadId") REFERENCES "Thread"("id") ON DELETE CASCADE ON UPDATE CASCADE;

