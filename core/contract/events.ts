import { z } from 'zod';
import { Id, Job } from './schemas.js';
import { EpochMetrics } from './training.js';
import { Annotation } from './labels.js';

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
  /** A training run finished an epoch (live curves). */
  'run.epoch': z.object({ runId: Id, epoch: EpochMetrics }),
  /** Someone appended an annotation (another window, another annotator, an import). */
  'labels.changed': z.object({ labelSetId: Id, annotation: Annotation.nullable() }),
  /** Desktop only: the engine process's health as its host sees it (starting, running, restarting, failed). */
  'engine.status': z.discriminatedUnion('state', [
    z.object({ state: z.literal('starting') }),
    z.object({ state: z.literal('running') }),
    z.object({ state: z.literal('restarting'), reason: z.string(), attempt: z.number().int() }),
    z.object({ state: z.literal('failed'), reason: z.string() }),
  ]),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
