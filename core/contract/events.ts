import { z } from 'zod';
import { Id, Job } from './schemas.js';

/** Events the engine pushes to every connected client. */
export const events = {
  /** A job moved forward. */
  'job.progress': z.object({
    jobId: Id,
    kind: z.string(),
    progress: z.number().min(0).max(1),
    message: z.string(),
  }),
  /** A job reached a final status (succeeded, failed, cancelled). */
  'job.finished': z.object({ job: Job }),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
