/**
 * Orchard's side of the validation benchmark, in its own process so its peak RSS is that of the
 * validation alone (the imports ran in `orchard-setup.ts`): open the engine on WORKSPACE, then
 * time `validation.run` of SUITE_VERSION on VERSION until `validation.getRun` returns the run.
 *
 *   node --import tsx bench/validate/orchard-validate.ts WORKSPACE VERSION SUITE_VERSION
 */
import { peakRssMb, reportResult } from '../lib/measure.js';
import { openOrchard } from '../lib/orchard-session.js';
import { jobResultString, throttledProgress, waitForJob } from './wait-job.js';

async function main(): Promise<void> {
  const [workspace, versionId, suiteVersionId] = process.argv.slice(2);
  if (!workspace || !versionId || !suiteVersionId) {
    throw new Error('usage: orchard-validate.ts WORKSPACE VERSION SUITE_VERSION');
  }
  const openStarted = performance.now();
  const session = await openOrchard(workspace);
  const openSeconds = (performance.now() - openStarted) / 1000;
  const rssBeforeMb = peakRssMb();
  const { api } = session;
  try {
    const started = performance.now();
    const { jobId } = await api.validation.run({ versionId, suiteVersionId });
    const job = await waitForJob(api, jobId, throttledProgress('orchard validation'));
    const runId = jobResultString(job, 'runId');
    const run = await api.validation.getRun({ runId });
    const wallSeconds = (performance.now() - started) / 1000;
    reportResult({
      wallSeconds,
      openSeconds,
      engineDurationMs: run.durationMs,
      status: run.status,
      peakRssMb: peakRssMb(),
      rssBeforeMb,
      results: run.results.map((r) => ({
        checkId: r.checkId,
        passed: r.passed,
        failingRows: r.failingRows,
        observed: r.observed,
        error: r.error,
      })),
    });
  } finally {
    await session.close();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  reportResult({ error: message.split('\n')[0] ?? message });
  process.stderr.write(`orchard-validate failed: ${message}\n`);
  process.exitCode = 1;
});
