import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { OrchardApi, TrainingConfigInput } from '../contract/index.js';
import { useTestEngine, waitForJob, writeFixture } from './test-support.js';

const shapes = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../resources/samples/shapes');

/** Two separable clusters: x < 0 is "low", x > 0 is "high"; the labels come from annotators, not a column. */
function clusterCsv(rows: number): string {
  const lines = ['x,y'];
  for (let i = 0; i < rows; i++) {
    const side = i % 2 === 0 ? -1 : 1;
    lines.push(`${(side * (1 + (i % 7) / 7)).toFixed(3)},${((i * 37) % 11) / 11}`);
  }
  return lines.join('\n');
}

describe('training on label versions and on images', () => {
  const openTestEngine = useTestEngine();
  const setup = openTestEngine;

  async function train(api: OrchardApi, config: TrainingConfigInput) {
    const { runId, jobId } = await api.runs.start({ config: config as never });
    const job = await waitForJob(api, jobId, 240_000);
    return { job, run: await api.runs.get({ runId }) };
  }

  it('trains on a frozen label version joined on _row_id, and records its hash', async () => {
    const { api, dir, importPath } = await setup();
    const version = await importPath(writeFixture(dir, 'points.csv', clusterCsv(200)));
    const set = await api.labels.createSet({
      datasetVersionId: version.id,
      definition: {
        name: 'side',
        task: 'single',
        classes: [
          { name: 'low', color: '#3366cc', hotkey: '1' },
          { name: 'high', color: '#dc3912', hotkey: '2' },
        ],
      },
    });
    // Label 160 of 200 rows; the rest stay unlabelled and must drop out of training.
    for (let rowId = 0; rowId < 160; rowId++) {
      await api.labels.annotate({
        labelSetId: set.id,
        annotator: 'ana',
        id: randomUUID(),
        rowId,
        action: 'label',
        value: { classes: [rowId % 2 === 0 ? 'low' : 'high'] },
        expectedSeq: null,
      });
    }
    const labels = await api.labels.freeze({ labelSetId: set.id, policy: 'agreed' });
    expect(labels.itemCount).toBe(160);

    const { job, run } = await train(api, {
      datasetVersionId: version.id,
      target: { column: 'label', labelVersionId: labels.id },
      task: 'binary',
      model: { kind: 'linear' },
      epochs: 30,
      batchSize: 16,
      optimizer: { kind: 'adam', learningRate: 0.05 },
      seed: 1,
    });
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect(run.labelVersionSha256).toBe(labels.sha256);
    const model = await api.models.get({ modelVersionId: run.modelVersionId! });
    expect(model.signature.output.labels).toEqual(['high', 'low']);
    expect(model.evaluation.rows).toBeGreaterThan(10);
    expect(model.evaluation.rows).toBeLessThanOrEqual(160 * 0.2);
    expect(model.evaluation.overall.kind === 'classification' && model.evaluation.overall.accuracy).toBe(1);
  });

  it('refuses a label version of another dataset version and a target name the dataset already has', async () => {
    const { api, dir, importPath } = await setup();
    const first = await importPath(writeFixture(dir, 'points.csv', clusterCsv(20)));
    const set = await api.labels.createSet({
      datasetVersionId: first.id,
      definition: {
        name: 's',
        task: 'single',
        classes: [
          { name: 'a', color: '#000000', hotkey: '1' },
          { name: 'b', color: '#ffffff', hotkey: '2' },
        ],
      },
    });
    await api.labels.annotate({
      labelSetId: set.id,
      annotator: 'ana',
      id: randomUUID(),
      rowId: 0,
      action: 'label',
      value: { classes: ['a'] },
      expectedSeq: null,
    });
    const labels = await api.labels.freeze({ labelSetId: set.id, policy: 'agreed' });
    const second = await importPath(writeFixture(dir, 'points.csv', clusterCsv(30)));
    const base = { task: 'binary' as const, model: { kind: 'linear' as const }, epochs: 1 };
    await expect(
      api.runs.start({
        config: {
          ...base,
          datasetVersionId: second.id,
          target: { column: 'label', labelVersionId: labels.id },
        },
      }),
    ).rejects.toThrow(/row ids differ between versions/);
    await expect(
      api.runs.start({
        config: { ...base, datasetVersionId: first.id, target: { column: 'x', labelVersionId: labels.id } },
      }),
    ).rejects.toThrow(/already has/);
  });

  it('trains a CNN on the sample image folder with the folder name as the target, and predicts a folder', async () => {
    const { api, dir, importPath } = await setup();
    const version = await importPath(shapes);
    expect(version.source.format).toBe('images');
    const { job, run } = await train(api, {
      datasetVersionId: version.id,
      target: { column: 'folder' },
      task: 'image_classification',
      model: { kind: 'cnn', imageSize: 16, channels: 3, filters: [16, 32], dense: 64, dropout: 0 },
      optimizer: { kind: 'adam', learningRate: 0.003 },
      batchSize: 16,
      epochs: 25,
      seed: 5,
    });
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect(run.backend?.name).toBe('wasm');
    const model = await api.models.get({ modelVersionId: run.modelVersionId! });
    expect(model.task).toBe('image_classification');
    expect(model.signature.output.labels).toEqual(['circle', 'square', 'triangle']);
    const overall = model.evaluation.overall;
    // 126 training images of shapes in random colours, sizes and angles: well above the 1/3 of guessing.
    expect(overall.kind === 'classification' && overall.accuracy).toBeGreaterThan(0.5);

    // The image classifier orders a labelling queue, least confident first.
    const set = await api.labels.createSet({
      datasetVersionId: version.id,
      definition: {
        name: 'shape',
        task: 'single',
        classes: ['circle', 'square', 'triangle'].map((name, i) => ({
          name,
          color: '#336699',
          hotkey: String(i + 1),
        })),
      },
    });
    const queue = await api.labels.queue({
      labelSetId: set.id,
      annotator: 'ana',
      order: { kind: 'least-confident' },
      limit: 10,
    });
    const confidences = queue.items.map((item) => item.prediction?.confidence ?? Number.NaN);
    expect(confidences.every((c) => c > 0 && c <= 1)).toBe(true);
    expect(confidences).toEqual([...confidences].sort((a, b) => a - b));

    const out = path.join(dir, 'predictions.csv');
    const predicted = await waitForJob(
      api,
      (
        await api.models.predictFile({
          modelVersionId: model.id,
          path: path.join(shapes, 'circle'),
          outputPath: out,
        })
      ).jobId,
    );
    expect(predicted.status, JSON.stringify(predicted.error)).toBe('succeeded');
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('path,predicted,p_circle,p_square,p_triangle');
    const circles = lines.slice(1).filter((line) => line.split(',')[1] === 'circle').length;
    expect(circles / (lines.length - 1)).toBeGreaterThan(0.5);
  });

  it('cross-validates a CNN on the image folder with k folds over the non-test images', async () => {
    const { api, importPath } = await setup();
    const version = await importPath(shapes);
    const { job, run } = await train(api, {
      datasetVersionId: version.id,
      target: { column: 'folder' },
      task: 'image_classification',
      split: { kind: 'kfold', folds: 3, test: 0.2, stratify: true },
      model: { kind: 'cnn', imageSize: 8, channels: 3, filters: [8], dense: 16, dropout: 0 },
      optimizer: { kind: 'adam', learningRate: 0.003 },
      batchSize: 32,
      epochs: 2,
      seed: 9,
    });
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect(run.config.split.kind).toBe('kfold');
    // One model per fold; the run reports the folds' mean and spread of the validation metric.
    const cvKeys = Object.keys(run.summary).filter((key) => key.startsWith('cv_'));
    expect(cvKeys.sort()).toEqual(['cv_val_loss_mean', 'cv_val_loss_std'].sort());
    expect(run.summary['cv_val_loss_mean']).toBeGreaterThan(0);
    expect(run.summary['cv_val_loss_std']).toBeGreaterThanOrEqual(0);
    const model = await api.models.get({ modelVersionId: run.modelVersionId! });
    // The held-out test images (a fifth) are evaluated by the best fold's model.
    const overall = model.evaluation.overall;
    expect(overall.kind === 'classification' && overall.perClass.reduce((n, c) => n + c.support, 0)).toBe(
      Math.round(0.2 * 180),
    );
  });

  it('refuses image classification on a table and a CNN on a table', async () => {
    const { api, dir, importPath } = await setup();
    const version = await importPath(writeFixture(dir, 'points.csv', clusterCsv(20)));
    await expect(
      api.runs.start({
        config: {
          datasetVersionId: version.id,
          target: { column: 'x' },
          task: 'image_classification',
          model: { kind: 'cnn' },
        },
      }),
    ).rejects.toThrow(/needs an image dataset/);
    await expect(
      api.runs.start({
        config: {
          datasetVersionId: version.id,
          target: { column: 'x' },
          task: 'regression',
          model: { kind: 'cnn' },
        },
      }),
    ).rejects.toThrow(/A CNN learns from images/);
  });
});
