import { getJob, listJobs } from '../../registry/index.js';
import type { EngineParts, HandlerMap } from '../parts.js';

export function jobHandlers(parts: EngineParts): HandlerMap<'jobs.get' | 'jobs.list' | 'jobs.cancel'> {
  return {
    'jobs.get': ({ jobId }) => getJob(parts.db, jobId),
    'jobs.list': ({ limit }) => listJobs(parts.db, limit ?? 50),
    'jobs.cancel': ({ jobId }) => {
      getJob(parts.db, jobId);
      return parts.jobs.cancel(jobId);
    },
  };
}
