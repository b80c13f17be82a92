import { createWriteStream } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { InvalidInputError } from '../contract/index.js';
import type { ModelVersion } from '../contract/index.js';
import { withConnection } from '../data/duck.js';
import { importToSnapshot } from '../data/import-file.js';
import { quoteLiteral } from '../data/sql.js';
import { transformRows } from '../train/data/index.js';
import type { FittedPipeline } from '../train/data/index.js';
import { unpackArtifact } from '../train/artifact.js';
import { isImagePipeline } from '../train/data/pipeline.js';
import { predictImageFolder } from './predict-images.js';
import { predictInWorker } from '../train/worker/run-in-worker.js';
import type { JobContext } from './job-runner.js';
import type { EngineParts } from './parts.js';
import { csvField } from '../data/csv-field.js';

/**
 * Predicts every row of a file: the file is read like an import (every format, the same checks and
 * errors) into a staged snapshot, the model's fitted pipeline turns it into features, the network
 * predicts in a worker thread, and the predictions are written as CSV (or Parquet by extension).
 */
export async function predictFile(
  parts: EngineParts,
  model: ModelVersion,
  sourcePath: string,
  outputPath: string,
  job: JobContext,
): Promise<{ result: Record<string, unknown>; message: string }> {
  const format = path.extname(outputPath).toLowerCase();
  if (format !== '.csv' && format !== '.parquet') {
    throw new InvalidInputError(`${outputPath}: write predictions to a .csv or .parquet file.`, {
      outputPath,
    });
  }
  const { header, network } = unpackArtifact(await readFile(parts.store.pathOf(model.artifactSha256)));
  if (isImagePipeline(header.pipeline)) {
    return predictImageFolder(
      parts,
      { pipeline: header.pipeline, network, labels: header.labels ?? [] },
      sourcePath,
      outputPath,
      job,
    );
  }
  const staged = parts.store.stagingPath('.parquet');
  const stagedCsv = parts.store.stagingPath('.csv');
  try {
    job.progress(0.05, `Reading ${path.basename(sourcePath)}`);
    await importToSnapshot({
      db: parts.duck,
      sourcePath,
      outputPath: staged,
      signal: job.signal,
      onProgress: (f) => job.progress(0.05 + 0.35 * f, 'Reading the file'),
    });
    job.progress(0.45, 'Applying the feature pipeline');
    const features = await transformRows(
      header.pipeline as FittedPipeline,
      parts.duck,
      { parquetPath: staged },
      { signal: job.signal },
    );
    job.progress(0.6, `Predicting ${features.n.toLocaleString('en-US')} rows`);
    const output = await predictInWorker(
      'auto',
      network,
      features.x,
      features.n,
      header.featureNames.length,
      job.signal,
    );
    job.progress(0.85, 'Writing predictions');
    const labels = header.labels;
    const out = createWriteStream(stagedCsv);
    const columns = labels
      ? ['_row_id', 'predicted', ...labels.map((l) => `p_${l}`)]
      : ['_row_id', 'predicted'];
    out.write(`${columns.map(csvField).join(',')}\n`);
    const k = labels?.length ?? 1;
    let chunk = '';
    for (let i = 0; i < features.n; i++) {
      let line = String(features.rowIds[i]);
      if (labels) {
        let best = 0;
        for (let c = 1; c < k; c++) if (output[i * k + c]! > output[i * k + best]!) best = c;
        line += `,${csvField(labels[best]!)}`;
        for (let c = 0; c < k; c++) line += `,${output[i * k + c]}`;
      } else {
        line += `,${output[i]}`;
      }
      chunk += `${line}\n`;
      if (chunk.length > 1 << 20) {
        if (!out.write(chunk)) await once(out, 'drain');
        chunk = '';
      }
    }
    out.end(chunk);
    await once(out, 'finish');
    if (format === '.csv') {
      await rename(stagedCsv, outputPath);
    } else {
      await withConnection(parts.duck, (c) =>
        c.run(
          `COPY (SELECT * FROM read_csv(${quoteLiteral(stagedCsv)})) TO ${quoteLiteral(outputPath)} (FORMAT parquet)`,
        ),
      );
    }
    return {
      result: { outputPath, rows: features.n },
      message: `Wrote ${features.n.toLocaleString('en-US')} predictions to ${outputPath}.`,
    };
  } finally {
    await rm(staged, { force: true });
    await rm(stagedCsv, { force: true });
  }
}
