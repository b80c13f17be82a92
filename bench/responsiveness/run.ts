/**
 * Responsiveness benchmark: does the engine keep answering the app while a model trains?
 *
 *   npm run bench:responsiveness
 *
 * Opens an engine on a fresh workspace behind `orchard serve`'s WebSocket (the browser's path),
 * imports the credit sample, then times small RPCs (a 100-row grid window and the job list) every
 * 10 ms: first with the engine idle (the peer: the same calls, same run, nothing training), then
 * while a run trains. Target: p99 under 50 ms while training. Exits 0 either way.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openEngine } from '../../core/engine/engine.js';
import { startServer } from '../../core/engine/serve.js';
import { waitForJob } from '../../core/engine/test-support.js';
import { connectWebSocketClient } from '../../core/engine/transport/ws-client.js';
import type { OrchardApi } from '../../core/contract/index.js';
import { repoRoot } from '../lib/synthetic-csv.js';
import { percentile, printTable, verdict } from '../lib/measure.js';

const sample = path.join(repoRoot, 'resources/samples/credit-applications.csv');
const targetP99Ms = 50;

async function sampleLatencies(
  api: OrchardApi,
  versionId: string,
  until: () => boolean,
  max = 2_000,
): Promise<number[]> {
  const latencies: number[] = [];
  let i = 0;
  while (!until() && latencies.length < max) {
    const started = performance.now();
    if (i++ % 2 === 0) await api.datasets.rows({ versionId, offset: (i * 97) % 9_000, limit: 100 });
    else await api.jobs.list({ limit: 20 });
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return latencies;
}

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'orchard-bench-resp-'));
  const staticDir = path.join(root, 'ui');
  mkdirSync(staticDir);
  const engine = await openEngine({ workspace: path.join(root, 'ws') });
  const server = await startServer({ engine, staticDir, port: 0, dataDirs: [path.dirname(sample)] });
  const client = await connectWebSocketClient(`ws://127.0.0.1:${server.port}/rpc?token=${server.token}`);
  const api = client.api;
  try {
    const project = await api.projects.create({ name: 'bench' });
    const imported = await waitForJob(
      api,
      (await api.datasets.import({ projectId: project.id, path: sample })).jobId,
    );
    const versionId = String(imported.result?.['versionId']);

    const idleUntil = performance.now() + 5_000;
    const idle = await sampleLatencies(api, versionId, () => performance.now() > idleUntil, 400);

    const { runId, jobId } = await api.runs.start({
      config: {
        datasetVersionId: versionId,
        target: { column: 'approved' },
        task: 'binary',
        model: { kind: 'mlp', layers: [128, 64], activation: 'relu', dropout: 0, batchNorm: false, l2: 0 },
        epochs: 25,
        batchSize: 128,
      } as never,
    });
    let finished = false;
    const done = waitForJob(api, jobId, 600_000).then((job) => {
      finished = true;
      return job;
    });
    const training = await sampleLatencies(api, versionId, () => finished);
    const job = await done;
    const run = await api.runs.get({ runId });

    const row = (label: string, values: number[]) => [
      label,
      String(values.length),
      percentile(values, 50).toFixed(1),
      percentile(values, 95).toFixed(1),
      percentile(values, 99).toFixed(1),
      Math.max(...values).toFixed(1),
    ];
    console.log(
      `\nRPC latency over WebSocket (ms); training job ${job.status} on ${run.backend?.name ?? '?'} in ${run.epochs.length} epochs`,
    );
    printTable([
      ['engine', 'calls', 'p50', 'p95', 'p99', 'max'],
      row('idle (peer)', idle),
      row('while training', training),
    ]);
    const p99 = percentile(training, 99);
    console.log(`ratio p99 while training / p99 idle: ${(p99 / percentile(idle, 99)).toFixed(2)}×`);
    console.log(
      verdict(`engine RPC p99 while training < ${targetP99Ms} ms`, p99 < targetP99Ms, `${p99.toFixed(1)} ms`),
    );
  } finally {
    client.close();
    await server.close();
    await engine.close();
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
