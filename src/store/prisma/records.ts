import type { RunFinishedOutcome, TokenUsage } from '@ag-ui/core';
import { parseThreadSnapshot } from '../../protocol/thread-snapshot.js';
import type { RunRecord, RunStatus, ThreadRecord, ThreadStatus } from '../thread-store.js';

/** A thread row as Prisma returns it (the driver's SQLite reads have the dates as text). */
export interface ThreadRow {
  id: string;
  tenantId: string;
  agentId: string;
  status: string;
  snapshot: string;
  createdAt: Date;
  updatedAt: Date;
}

interface RunRow {
  id: string;
  threadId: string;
  agentId: string;
  status: string;
  outcome: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  usage: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  agentVersion: number | null;
}

/** A thread row as the store's record (the snapshot is parsed and its version checked). */
export function toThreadRecord(row: ThreadRow): ThreadRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    agentId: row.agentId,
    status: row.status as ThreadStatus,
    snapshot: parseThreadSnapshot(row.snapshot, row.id),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** A run row as the store's record. */
export function toRunRecord(row: RunRow): RunRecord {
  return {
    runId: row.id,
    threadId: row.threadId,
    agentId: row.agentId,
    status: row.status as RunStatus,
    outcome: row.outcome ? (JSON.parse(row.outcome) as RunFinishedOutcome) : null,
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null,
    usage: row.usage ? (JSON.parse(row.usage) as TokenUsage[]) : [],
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    agentVersion: row.agentVersion,
  };
}
