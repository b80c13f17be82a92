import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { InvalidInputError } from '../contract/index.js';
import type { ImagePipeline } from '../train/data/pipeline.js';
import { decodeImages } from '../train/data/image-data.js';
import { scanImageFolder } from '../data/images/index.js';
import { predictInWorker } from '../train/worker/run-in-worker.js';
import type { JobContext } from './job-runner.js';
import type { EngineParts } from './parts.js';
import { csvField } from '../data/csv-field.js';

/** The images under a folder (as the image import lists them: nested, sorted, links not followed), or the one file given. */
async function listImageFiles(source: string): Promise<{ root: string; files: string[] }> {
  const info = await stat(source).catch(() => null);
  if (info?.isFile() === true) return { root: path.dirname(source), files: [path.basename(source)] };
  const scan = await scanImageFolder(source);
  return { root: source, files: scan.files.map((f) => f.relativePath) };
}

/**
 * Predicts an image classifier on a folder of images (or one image): each is decoded through the
 * model's image pipeline, and `path, predicted, p_<class>…` lines are written as CSV.
 */
export async function predictImageFolder(
  parts: EngineParts,
  input: { pipeline: ImagePipeline; network: Uint8Array; labels: string[] },
  sourcePath: string,
  outputPath: string,
  job: JobContext,
): Promise<{ result: Record<string, unknown>; message: string }> {
  if (path.extname(outputPath).toLowerCase() !== '.csv') {
    throw new InvalidInputError(`${outputPath}: write an image classifier's predictions to a .csv file.`, {
      outputPath,
    });
  }
  const { root, files } = await listImageFiles(sourcePath);
  job.progress(0.05, `Decoding ${files.length.toLocaleString('en-US')} images`);
  const decoded = await decodeImages(
    input.pipeline,
    files.map((f) => path.join(root, f)),
    { signal: job.signal, onProgress: (f) => job.progress(0.05 + 0.5 * f, 'Decoding images') },
  );
  const d = input.pipeline.size * input.pipeline.size * input.pipeline.channels;
  job.progress(0.6, 'Predicting');
  const output = await predictInWorker('auto', input.network, decoded.x, files.length, d, job.signal);
  const staged = parts.store.stagingPath('.csv');
  try {
    const out = createWriteStream(staged);
    const k = input.labels.length;
    out.write(`${['path', 'predicted', ...input.labels.map((l) => `p_${l}`)].map(csvField).join(',')}\n`);
    files.forEach((file, i) => {
      let best = 0;
      for (let c = 1; c < k; c++) if (output[i * k + c]! > output[i * k + best]!) best = c;
      const probabilities = Array.from(output.subarray(i * k, i * k + k), String);
      out.write(`${[csvField(file), csvField(input.labels[best]!), ...probabilities].join(',')}\n`);
    });
    out.end();
    await once(out, 'finish');
    await rename(staged, outputPath);
  } finally {
    await rm(staged, { force: true });
  }
  return {
    result: { outputPath, rows: files.length },
    message: `Wrote ${files.length.toLocaleString('en-US')} predictions to ${outputPath}.`,
  };
}
