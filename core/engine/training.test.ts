import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { EpochMetrics, OrchardApi, TrainingConfigInput } from '../contract/index.js';
import { useTestEngine, waitForJob, writeFixture } from './test-support.js';

const sample = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../resources/samples/credit-applications.csv',
);
const creditFeatures = [
  'age',
  'annual_income',
  'loan_amount',
  'credit_score',
  'debt_to_income',
  'years_employed',
  'loan_purpose',
  'housing',
  'employment_type',
  'region',
  'applied_on',
];

describe('training through the engine', () => {
  const openTestEngine = useTestEngine();
  async function setup() {
    const { api, dir, project, importPath } = await openTestEngine({ projectName: 'credit' });
    return { api, dir, project, importFile: importPath };
  }

  async function train(api: OrchardApi, config: TrainingConfigInput) {
    const { runId, jobId } = await api.runs.start({ config: config as never });
    const job = await waitForJob(api, jobId, 240_000);
    return { job, run: await api.runs.get({ runId }) };
  }

  it('trains the credit sample on wasm: live epochs, a recorded environment, a model version with its test evaluation', async () => {
    const { api, project, importFile } = await setup();
    const version = await importFile(sample);
    const live: EpochMetrics[] = [];
    api.on('run.epoch', ({ epoch }) => live.push(epoch));
    const { job, run } = await train(api, {
      datasetVersionId: version.id,
      target: { column: 'approved' },
      task: 'binary',
      features: creditFeatures,
      model: { kind: 'mlp', layers: [32, 16] },
      epochs: 6,
      seed: 3,
    });
    expect(job.status).toBe('succeeded');
    expect(run.status).toBe('succeeded');
    expect(run.backend?.name).toBe('wasm');
    expect(run.backend?.skipped.join(' ')).toContain('tensorflow-gpu');
    expect(run.environment?.tfjsVersion).toMatch(/^4\./);
    expect(run.datasetSnapshotSha256).toBe(version.snapshotSha256);
    expect(run.epochs.map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(live.length).toBe(6);
    expect(run.epochs.at(-1)!.metrics['val_loss']).toBeLessThan(run.epochs[0]!.metrics['val_loss']!);
    // The stated figure for the sample (README): test ROC AUC above 0.78 with this config.
    expect(run.summary['test_auc']).toBeGreaterThan(0.78);
    const model = await api.models.get({ modelVersionId: run.modelVersionId! });
    expect(model.signature.output).toEqual({ target: 'approved', labels: ['0', '1'] });
    expect(model.signature.inputs.map((i) => i.name)).toEqual(creditFeatures);
    expect(model.evaluation.overall.kind).toBe('classification');
    expect(model.evaluation.slices.some((s) => s.column === 'region')).toBe(true);
    expect((await api.models.list({ projectId: project.id })).map((m) => m.id)).toEqual([model.id]);
  }, 300_000);

  it('reproduces a run exactly with the same config and seed', async () => {
    const { api, importFile } = await setup();
    const version = await importFile(sample);
    const config: TrainingConfigInput = {
      datasetVersionId: version.id,
      target: { column: 'approved' },
      task: 'binary',
      features: ['age', 'annual_income', 'credit_score', 'region'],
      model: { kind: 'mlp', layers: [8], dropout: 0.1 },
      epochs: 3,
      seed: 11,
    };
    const first = await train(api, config);
    const second = await train(api, config);
    expect(second.run.epochs.map((e) => e.metrics)).toEqual(first.run.epochs.map((e) => e.metrics));
    expect(second.run.summary).toEqual(first.run.summary);
  }, 300_000);

  it('learns a separable problem to (nearly) perfect accuracy', async () => {
    const { api, dir, importFile } = await setup();
    const rows = ['x1,x2,label'];
    for (let i = 0; i < 600; i++) {
      const x1 = ((i * 37) % 200) / 10 - 10;
      const x2 = ((i * 53) % 200) / 10 - 10;
      rows.push(`${x1},${x2},${x1 + x2 > 0 ? 'pos' : 'neg'}`);
    }
    const version = await importFile(writeFixture(dir, 'separable.csv', rows.join('\n')));
    const { run } = await train(api, {
      datasetVersionId: version.id,
      target: { column: 'label' },
      task: 'binary',
      model: { kind: 'linear' },
      optimizer: { kind: 'adam', learningRate: 0.05 },
      batchSize: 32,
      epochs: 30,
    });
    expect(run.summary['test_accuracy']).toBeGreaterThanOrEqual(0.97);
  }, 300_000);

  it('records a failed run with its reason for a constant target, and refuses a missing target at once', async () => {
    const { api, dir, importFile } = await setup();
    const version = await importFile(
      writeFixture(dir, 'constant.csv', ['x,y', '1,1', '2,1', '3,1', '4,1', '5,1', '6,1'].join('\n')),
    );
    await expect(
      api.runs.start({
        config: { datasetVersionId: version.id, target: { column: 'nope' }, task: 'binary' } as never,
      }),
    ).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('nope') });
    const { job, run } = await train(api, {
      datasetVersionId: version.id,
      target: { column: 'y' },
      task: 'binary',
    });
    expect(job.status).toBe('failed');
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/has the same value/);
  }, 120_000);

  it('is refused by a failing required suite, and trains with an audited override', async () => {
    const { api, importFile } = await setup();
    const version = await importFile(sample);
    const suite = await api.validation.saveSuite({
      datasetId: version.datasetId,
      definition: {
        name: 'strict',
        checks: [{ kind: 'completeness', column: 'annual_income', maxMissingShare: 0, severity: 'error' }],
      },
    });
    await api.validation.setRequired({ suiteId: suite.id, required: true });
    const config = {
      datasetVersionId: version.id,
      target: { column: 'approved' },
      task: 'binary',
      features: ['age', 'credit_score'],
      epochs: 1,
    } as const;
    await expect(api.runs.start({ config: config as never })).rejects.toMatchObject({ code: 'gate_failed' });
    const { runId, jobId } = await api.runs.start({
      config: config as never,
      gateOverride: { reason: 'missing incomes are imputed' },
    });
    expect((await waitForJob(api, jobId, 120_000)).status).toBe('succeeded');
    expect((await api.runs.get({ runId })).status).toBe('succeeded');
  }, 300_000);

  it('predicts a file with the model’s pipeline and writes a CSV', async () => {
    const { api, dir, importFile } = await setup();
    const version = await importFile(sample);
    const { run } = await train(api, {
      datasetVersionId: version.id,
      target: { column: 'approved' },
      task: 'binary',
      features: ['age', 'credit_score', 'region'],
      epochs: 2,
    });
    const input = writeFixture(
      dir,
      'new.csv',
      ['age,credit_score,region,extra', '30,700,North,x', '55,580,Atlantis,y'].join('\n'),
    );
    const out = path.join(dir, 'predictions.csv');
    const job = await waitForJob(
      api,
      (await api.models.predictFile({ modelVersionId: run.modelVersionId!, path: input, outputPath: out }))
        .jobId,
    );
    expect(job.status).toBe('succeeded');
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('_row_id,predicted,p_0,p_1');
    expect(lines).toHaveLength(3);
    const [, , p0, p1] = lines[1]!.split(',');
    expect(Number(p0) + Number(p1)).toBeCloseTo(1, 5);
  }, 300_000);

  it('runs a random search whose trials are child runs', async () => {
    const { api, project, importFile } = await setup();
    const version = await importFile(sample);
    const { runId, jobId } = await api.runs.search({
      config: {
        datasetVersionId: version.id,
        target: { column: 'approved' },
        task: 'binary',
        features: ['age', 'credit_score', 'annual_income'],
        epochs: 2,
      } as never,
      search: {
        strategy: 'random',
        trials: 3,
        metric: 'val_loss',
        space: { learningRate: { min: 0.0005, max: 0.01, log: true } },
        seed: 1,
      },
    });
    const job = await waitForJob(api, jobId, 300_000);
    expect(job.status).toBe('succeeded');
    const trials = await api.runs.list({ projectId: project.id, parentRunId: runId });
    expect(trials).toHaveLength(3);
    expect(new Set(trials.map((t) => t.config.optimizer.learningRate)).size).toBe(3);
    expect(job.result?.['bestRunId']).toBeTypeOf('string');
    expect((await api.runs.get({ runId })).summary['trials']).toBe(3);
  }, 300_000);
});
