import { CancelledError, ConflictError, toErrorShape } from '../contract/index.js';
import type { EventName, EventPayload, Job } from '../contract/index.js';
import type { RegistryDb } from '../registry/index.js';
import { finishJob, getJob, insertJob, markJobRunning, updateJobProgress } from '../registry/index.js';

export interface JobContext {
  readonly jobId: string;
  readonly signal: AbortSignal;
  /** Report progress (0..1) with a short message; cheap to call often (throttled). */
  progress(fraction: number, message: string): void;
}

export type JobWork = (context: JobContext) => Promise<{ result: Record<string, unknown>; message: string }>;

type Emit = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

interface QueuedJob {
  readonly id: string;
  readonly kind: string;
  readonly work: JobWork;
  readonly controller: AbortController;
}

const progressIntervalMs = 100;

/**
 * Runs long work as registry-backed jobs: a row per job from `queued` to a final status, progress
 * events while it runs, cancellation through an AbortSignal. The heavy lifting inside a job (DuckDB
 * queries, file hashing) is asynchronous, so the engine keeps answering requests meanwhile.
 */
export class JobRunner {
  private readonly queue: QueuedJob[] = [];
  private readonly running = new Map<string, QueuedJob>();
  private readonly settled = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly db: RegistryDb,
    private readonly emit: Emit,
    private readonly concurrency = 1,
  ) {}

  start(kind: string, params: unknown, work: JobWork): Job {
    if (this.closed)
      throw new ConflictError('The engine is shutting down; start the job again after it restarts.');
    const job = insertJob(this.db, kind, params, process.pid);
    this.queue.push({ id: job.id, kind, work, controller: new AbortController() });
    this.pump();
    return job;
  }

  cancel(jobId: string): Job {
    const queuedAt = this.queue.findIndex((j) => j.id === jobId);
    if (queuedAt >= 0) {
      const [queued] = this.queue.splice(queuedAt, 1);
      if (queued)
        this.finish(queued, {
          status: 'cancelled',
          error: new CancelledError().toShape(),
          message: 'Cancelled before it started.',
        });
    }
    this.running.get(jobId)?.controller.abort();
    return getJob(this.db, jobId);
  }

  /** Stops taking work, aborts what runs, and waits for it to settle. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) {
      this.finish(job, {
        status: 'cancelled',
        error: new CancelledError('The engine shut down before the job started.').toShape(),
        message: 'Cancelled at shutdown.',
      });
    }
    for (const job of this.running.values()) job.controller.abort();
    await Promise.allSettled([...this.settled]);
  }

  /** Resolves when every job started so far has settled (tests and the CLI use it). */
  async idle(): Promise<void> {
    while (this.settled.size > 0 || this.queue.length > 0) await Promise.allSettled([...this.settled]);
  }

  private pump(): void {
    while (this.running.size < this.concurrency && this.queue.length > 0) {
      const job = this.queue.shift();
      if (!job) break;
      this.running.set(job.id, job);
      const done = this.run(job).finally(() => {
        this.running.delete(job.id);
        this.settled.delete(done);
        this.pump();
      });
      this.settled.add(done);
    }
  }

  private async run(job: QueuedJob): Promise<void> {
    markJobRunning(this.db, job.id);
    let lastReport = 0;
    const context: JobContext = {
      jobId: job.id,
      signal: job.controller.signal,
      progress: (fraction, message) => {
        const now = Date.now();
        if (now - lastReport < progressIntervalMs) return;
        lastReport = now;
        updateJobProgress(this.db, job.id, fraction, message);
        this.emit('job.progress', {
          jobId: job.id,
          kind: job.kind,
          progress: Math.min(1, Math.max(0, fraction)),
          message,
        });
      },
    };
    try {
      if (job.controller.signal.aborted) throw new CancelledError();
      const { result, message } = await job.work(context);
      if (job.controller.signal.aborted) throw new CancelledError();
      this.finish(job, { status: 'succeeded', result, message });
    } catch (error) {
      const cancelled = job.controller.signal.aborted || error instanceof CancelledError;
      const shape = cancelled ? new CancelledError().toShape() : toErrorShape(error);
      this.finish(job, { status: cancelled ? 'cancelled' : 'failed', error: shape, message: shape.message });
    }
  }

  private finish(job: QueuedJob, outcome: Parameters<typeof finishJob>[2]): void {
    const finished = finishJob(this.db, job.id, outcome);
    this.emit('job.finished', { job: finished });
  }
}
