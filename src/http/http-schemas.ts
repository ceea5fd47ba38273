import { z } from 'zod';

/** The JSON error body of every refused request (../shared/contract.md). */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

/** `GET /threads/:threadId/events` in its JSON form. */
export const ThreadEventsResponseSchema = z.object({
  events: z.array(z.object({ seq: z.number().int().positive(), event: z.record(z.string(), z.unknown()) })),
});
