import { useApp } from '../store/app-store.js';

/** Running and cancelled jobs with a progress bar; finished ones leave (successes select their result). */
export function JobPanel() {
  const jobs = useApp((state) => state.jobs);
  const cancelJob = useApp((state) => state.cancelJob);
  const dismissJob = useApp((state) => state.dismissJob);
  const list = Object.values(jobs);
  if (list.length === 0) return null;
  return (
    <section className="job-panel" aria-label="Jobs" data-testid="job-panel">
      {list.map((job) => {
        const running = job.status === 'queued' || job.status === 'running';
        const percent = Math.round(job.progress * 100);
        return (
          <div key={job.id} className="job-item" data-testid="job-item" data-status={job.status}>
            <div className="job-text">
              <span className="job-label">{job.label}</span>
              <span className="job-message muted" data-testid="job-message">
                {job.message}
              </span>
            </div>
            <progress
              max={100}
              value={job.status === 'queued' ? undefined : percent}
              aria-label={`${job.label} progress`}
              data-testid="job-progress"
            />
            {running ? (
              <button type="button" data-testid="cancel-job" onClick={() => void cancelJob(job.id)}>
                Cancel
              </button>
            ) : (
              <button type="button" data-testid="dismiss-job" onClick={() => dismissJob(job.id)}>
                Dismiss
              </button>
            )}
          </div>
        );
      })}
    </section>
  );
}
