import { readFile } from 'node:fs/promises';
import type { DuckDBInstance } from '@duckdb/node-api';
import { InvalidInputError } from '../contract/index.js';
import type { DatasetVersion, ModelVersion } from '../contract/index.js';
import type { ObjectStore, RegistryDb } from '../registry/index.js';
import { getDataset, getModelVersion, hasModelFor, latestClassifierFor } from '../registry/index.js';
import { unpackArtifact } from '../train/artifact.js';
import { transformRows } from '../train/data/index.js';
import type { FittedPipeline } from '../train/data/index.js';
import { predictInWorker } from '../train/worker/run-in-worker.js';
import { decodeImages } from '../train/data/image-data.js';
import { isImagePipeline } from '../train/data/pipeline.js';
import type { ImagePipeline } from '../train/data/pipeline.js';
import { rowIdColumn } from '../data/column-types.js';
import { withConnection } from '../data/duck.js';
import { quoteIdent } from '../data/sql.js';

/** Every image of an image dataset version through an image classifier's own pipeline. */
async function decodeVersionImages(
  deps: { duck: DuckDBInstance; store: ObjectStore },
  pipeline: ImagePipeline,
  parquetPath: string,
): Promise<{ x: Float32Array; n: number; rowIds: Float64Array }> {
  const rows = await withConnection(deps.duck, async (c) =>
    (
      await c.runAndReadAll(
        `SELECT CAST(${quoteIdent(rowIdColumn)} AS DOUBLE), CAST(${quoteIdent(pipeline.column)} AS VARCHAR) FROM read_parquet($1) ORDER BY 1`,
        [parquetPath],
      )
    ).getRows(),
  );
  const decoded = await decodeImages(
    pipeline,
    rows.map((r) => deps.store.pathOf(String(r[1]))),
  );
  return { x: decoded.x, n: rows.length, rowIds: Float64Array.from(rows, (r) => Number(r[0])) };
}

/** A classifier's answer for every row of a dataset version, indexed by row id. */
export interface VersionPredictions {
  readonly modelVersionId: string;
  readonly labels: readonly string[];
  /** Index into `labels` of each row's top class. */
  readonly top: Uint16Array;
  /** The top class's probability per row; NaN where the model gave none. */
  readonly confidence: Float32Array;
}

/**
 * The model that orders a least-confident queue: the one named (a classifier of the same
 * project), else the newest classifier trained on this dataset (this version first).
 */
export function chooseModel(db: RegistryDb, version: DatasetVersion, modelVersionId?: string): ModelVersion {
  const projectId = getDataset(db, version.datasetId).projectId;
  if (modelVersionId === undefined) {
    const latest = latestClassifierFor(db, version.id);
    if (latest === null) {
      throw new InvalidInputError(
        hasModelFor(db, version.id)
          ? 'Least-confident order needs a classification model, and every model trained on this dataset is a regression model; ' +
              'train a binary or multiclass model on this dataset first, or pick another order.'
          : 'Least-confident order needs a model: train a model on this dataset first, or pick another order.',
        { datasetVersionId: version.id },
      );
    }
    return getModelVersion(db, latest);
  }
  const model = getModelVersion(db, modelVersionId);
  if (model.projectId !== projectId)
    throw new InvalidInputError(
      `Model ${model.name} v${model.number} belongs to another project; pick a model of this dataset's project.`,
      { modelVersionId },
    );
  if (model.task === 'regression')
    throw new InvalidInputError(
      `Model ${model.name} v${model.number} is a regression model; least-confident order needs a classifier.`,
      { modelVersionId },
    );
  return model;
}

/**
 * Predicts every row of the version's snapshot with the model's own fitted pipeline, in a worker
 * thread (as `models.predictFile` does), keeping only the top class and its probability per row.
 */
export async function predictVersion(
  deps: { duck: DuckDBInstance; store: ObjectStore },
  model: ModelVersion,
  version: DatasetVersion,
): Promise<VersionPredictions> {
  const { header, network } = unpackArtifact(await readFile(deps.store.pathOf(model.artifactSha256)));
  const labels = header.labels;
  if (!labels || labels.length === 0)
    throw new InvalidInputError(
      `Model ${model.name} v${model.number} predicts no classes; pick a classifier.`,
    );
  const parquetPath = deps.store.pathOf(version.snapshotSha256);
  const features = isImagePipeline(header.pipeline)
    ? await decodeVersionImages(deps, header.pipeline, parquetPath)
    : await transformRows(header.pipeline as FittedPipeline, deps.duck, { parquetPath });
  const output = await predictInWorker(
    'auto',
    network,
    features.x,
    features.n,
    features.x.length / Math.max(1, features.n),
  );
  const k = labels.length;
  const top = new Uint16Array(version.rowCount);
  const confidence = new Float32Array(version.rowCount).fill(Number.NaN);
  for (let i = 0; i < features.n; i++) {
    const rowId = features.rowIds[i]!;
    if (rowId < 0 || rowId >= version.rowCount) continue;
    let best = 0;
    for (let c = 1; c < k; c++) if (output[i * k + c]! > output[i * k + best]!) best = c;
    top[rowId] = best;
    confidence[rowId] = output[i * k + best]!;
  }
  return { modelVersionId: model.id, labels, top, confidence };
}
