import sharp from 'sharp';
import type { DuckDBInstance } from '@duckdb/node-api';
import { CancelledError, InvalidInputError } from '../../contract/errors.js';
import type { Column } from '../../contract/schemas.js';
import type { TrainingConfig } from '../../contract/training.js';
import { rowIdColumn } from '../../data/column-types.js';
import { withConnection } from '../../data/duck.js';
import { quoteIdent } from '../../data/sql.js';
import type { ImagePipeline } from './pipeline.js';
import type { LabelColumn, PreparedData, SplitData } from './prepare.js';
import { maxClasses, missingSliceValue, trainingSource } from './prepare.js';
import { assignHoldout, foldsOfSplit, splitCodes } from './split.js';

/** Images decoded at once: sharp decodes on libuv's threads, so a few in flight keep them busy. */
const decodeConcurrency = 8;

/** Decodes one image file into `size × size × channels` floats in [0, 1] at `out[offset…]`. */
async function decodeInto(
  pipeline: ImagePipeline,
  file: string,
  out: Float32Array,
  offset: number,
): Promise<{ width: number; height: number; channels: number }> {
  // Oriented by EXIF like the import's width and height, so a rotated photo trains upright.
  const image = sharp(file, { failOn: 'truncated', limitInputPixels: 100_000_000, autoOrient: true });
  const meta = await image.metadata();
  const resized = image.resize(pipeline.size, pipeline.size, { fit: 'fill' });
  const converted =
    pipeline.channels === 1 ? resized.greyscale() : resized.removeAlpha().toColourspace('srgb');
  const { data, info } = await converted.raw().toBuffer({ resolveWithObject: true });
  const expected = pipeline.size * pipeline.size * pipeline.channels;
  if (info.channels !== pipeline.channels || data.length !== expected) {
    throw new InvalidInputError(
      `${file}: decoded to ${info.width}×${info.height}×${info.channels}, not ${pipeline.size}×${pipeline.size}×${pipeline.channels}.`,
    );
  }
  for (let i = 0; i < expected; i += 1) out[offset + i] = (data[i] as number) / 255;
  return { width: meta.width ?? 0, height: meta.height ?? 0, channels: meta.channels ?? 0 };
}

/**
 * Decodes images into one row-major `n × (size·size·channels)` matrix, in the order given.
 * Each failure names the file. Reports distinct source sizes and channel counts (for warnings).
 */
export async function decodeImages(
  pipeline: ImagePipeline,
  files: readonly string[],
  options: { signal?: AbortSignal | undefined; onProgress?: (fraction: number) => void } = {},
): Promise<{ x: Float32Array; sizes: Set<string>; channelCounts: Set<number> }> {
  const d = pipeline.size * pipeline.size * pipeline.channels;
  const x = new Float32Array(files.length * d);
  const sizes = new Set<string>();
  const channelCounts = new Set<number>();
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      if (options.signal?.aborted === true) throw new CancelledError('Decoding the images was cancelled.');
      const index = next;
      next += 1;
      if (index >= files.length) return;
      const file = files[index] as string;
      try {
        const source = await decodeInto(pipeline, file, x, index * d);
        sizes.add(`${source.width}×${source.height}`);
        channelCounts.add(source.channels);
      } catch (error) {
        if (error instanceof InvalidInputError) throw error;
        throw new InvalidInputError(
          `Image ${file} could not be decoded: ${(error as Error).message}. Re-import the folder without it.`,
          { file },
        );
      }
      done += 1;
      if (done % 256 === 0) options.onProgress?.(done / files.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(decodeConcurrency, files.length) }, worker));
  return { x, sizes, channelCounts };
}

export interface PrepareImageDataInput {
  readonly db: DuckDBInstance;
  readonly parquetPath: string;
  readonly columns: readonly Column[];
  readonly config: TrainingConfig;
  readonly labels?: LabelColumn | undefined;
  /** Where the object store keeps an image, by its sha256. */
  readonly imagePath: (sha256: string) => string;
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((fraction: number) => void) | undefined;
}

interface LabelledImage {
  readonly rowId: number;
  readonly sha256: string;
  readonly label: string;
  readonly slices: Record<string, string>;
}

/**
 * Image classification data: reads `_row_id`, image hash, target and categorical columns,
 * splits (stratified holdout, seeded), and decodes every image through the image pipeline.
 */
export async function prepareImageData(input: PrepareImageDataInput): Promise<PreparedData<ImagePipeline>> {
  const { config } = input;
  const model = config.model;
  if (model.kind !== 'cnn') {
    throw new InvalidInputError(
      `Image classification trains a CNN; set model.kind to "cnn" (it is "${model.kind}").`,
    );
  }
  const columns = input.labels ? [...input.columns, input.labels.column] : [...input.columns];
  const imageColumn = config.imageColumn ?? 'image';
  if (!columns.some((c) => c.name === imageColumn)) {
    throw new InvalidInputError(
      `This dataset version has no image column \`${imageColumn}\`; import a folder of images to train an image classifier.`,
      { column: imageColumn },
    );
  }
  const target = columns.find((c) => c.name === config.target.column);
  if (target === undefined) {
    throw new InvalidInputError(
      `The target column \`${config.target.column}\` is not in this dataset version. Columns: ${columns.map((c) => c.name).join(', ')}.`,
    );
  }
  const sliceColumns = columns.filter((c) => c.type === 'categorical' && c.name !== target.name);
  const source = trainingSource(input.parquetPath, input.labels);
  // Every row in one read; those without an image or a target are counted, then left out.
  const allRows = await withConnection(input.db, async (connection) => {
    const result = await connection.runAndReadAll(
      `SELECT CAST(${quoteIdent(rowIdColumn)} AS DOUBLE), CAST(${quoteIdent(imageColumn)} AS VARCHAR), CAST(${quoteIdent(target.name)} AS VARCHAR)` +
        `${sliceColumns.map((c) => `, CAST(${quoteIdent(c.name)} AS VARCHAR)`).join('')} FROM ${source.from} ` +
        'ORDER BY 1',
      [...source.params],
    );
    return result.getRows().map((row): LabelledImage | null =>
      row[1] === null || row[2] === null
        ? null
        : {
            rowId: Number(row[0]),
            sha256: String(row[1]),
            label: String(row[2]),
            slices: Object.fromEntries(
              sliceColumns.map((c, i) => [
                c.name,
                row[3 + i] === null ? missingSliceValue : String(row[3 + i]),
              ]),
            ),
          },
    );
  });
  const rows = allRows.filter((row): row is LabelledImage => row !== null);
  const labels = [...new Set(rows.map((r) => r.label))].sort();
  if (labels.length < 2) {
    throw new InvalidInputError(
      `The target \`${target.name}\` has ${labels.length === 0 ? 'no values' : `one value only (${labels[0]})`}; an image classifier needs at least 2 classes.`,
    );
  }
  if (labels.length > maxClasses) {
    throw new InvalidInputError(`The target \`${target.name}\` has more than ${maxClasses} classes.`);
  }
  const classOf = new Map(labels.map((label, index) => [label, index]));
  const classes = Int32Array.from(rows, (r) => classOf.get(r.label) as number);
  const split = config.split;
  // k-fold: the test rows are held out first, and the folds are dealt over the rest (as for tables).
  const assignment = assignHoldout({
    rows: rows.length,
    classes: split.stratify ? classes : null,
    labels,
    validation: split.kind === 'holdout' ? split.validation : 0,
    test: split.test,
    seed: config.seed,
  });
  const pipeline: ImagePipeline = {
    version: 1,
    kind: 'image',
    column: imageColumn,
    size: model.imageSize,
    channels: model.channels,
    trainRows: assignment.filter((code) => code === splitCodes.train).length,
  };
  const warnings: string[] = [];
  if (allRows.length > rows.length) {
    warnings.push(
      `${allRows.length - rows.length} image(s) have no value in \`${target.name}\` and were left out.`,
    );
  }
  const d = pipeline.size * pipeline.size * pipeline.channels;
  const splitOf = (code: number): SplitData & { members: LabelledImage[] } => {
    const members = rows.filter((_, index) => assignment[index] === code);
    return {
      members,
      x: new Float32Array(0),
      y: Float32Array.from(members, (m) => classOf.get(m.label) as number),
      rowIds: Float64Array.from(members, (m) => m.rowId),
      n: members.length,
      d,
    };
  };
  const parts = [splitOf(splitCodes.train), splitOf(splitCodes.validation), splitOf(splitCodes.test)];
  const all = parts.flatMap((p) => p.members.map((m) => input.imagePath(m.sha256)));
  const decoded = await decodeImages(pipeline, all, { signal: input.signal, onProgress: input.onProgress });
  if (decoded.sizes.size > 1 || decoded.channelCounts.size > 1) {
    warnings.push(
      `The images come in ${decoded.sizes.size} sizes and ${[...decoded.channelCounts].sort().join('/')} channels; ` +
        `every one is resized to ${pipeline.size}×${pipeline.size} with ${pipeline.channels} channel(s).`,
    );
  }
  let offset = 0;
  const [train, validation, test] = parts.map((part): SplitData => {
    const x = decoded.x.subarray(offset * d, (offset + part.n) * d);
    offset += part.n;
    return { x, y: part.y, rowIds: part.rowIds, n: part.n, d };
  }) as [SplitData, SplitData, SplitData];
  const testSlices: Record<string, string[]> = {};
  for (const c of sliceColumns)
    testSlices[c.name] = (parts[2]?.members ?? []).map((m) => m.slices[c.name] as string);
  const folds = foldsOfSplit(split, train, { stratify: split.stratify, labels, seed: config.seed, warnings });
  return {
    task: labels.length === 2 ? 'binary' : 'multiclass',
    featureNames: [],
    labels,
    splits: { train, validation, test },
    folds,
    pipeline,
    testSlices,
    warnings,
  };
}
