/**
 * A trained model as one self-contained byte string, for the object store: the tfjs-layers
 * topology JSON, the weight specs and the weights, written and read through an in-memory
 * `tf.io` handler (never a file path, so the caller decides where bytes live and hashes them).
 *
 * Layout: `ORCHTFJS` (8 bytes) · format version (u32 LE) · header length (u32 LE) ·
 * header JSON (UTF-8: topology, weight specs, generator) · weight bytes.
 */
import type { io, LayersModel, Tensor } from '@tensorflow/tfjs';
import { InvalidInputError } from '../../contract/errors.js';
import { outputKindOf } from './build.js';
import type { Tf } from './tf-types.js';

const magic = 'ORCHTFJS';
const formatVersion = 1;
const prefixBytes = magic.length + 8;
/** Input values per forward pass when predicting (16 MB of float32). */
const predictChunkValues = 4 * 1024 * 1024;

interface Header {
  readonly modelTopology: io.ModelArtifacts['modelTopology'];
  readonly weightSpecs: io.WeightsManifestEntry[];
  readonly format?: string;
  readonly generatedBy?: string;
  readonly convertedBy?: string | null;
}

/** Topology, weight specs and weights of `model` in one buffer (see the layout above). */
export async function serializeModel(model: LayersModel): Promise<Uint8Array> {
  let captured: Uint8Array | null = null;
  const handler: io.IOHandler = {
    save: async (artifacts) => {
      const header: Header = {
        modelTopology: artifacts.modelTopology,
        weightSpecs: artifacts.weightSpecs ?? [],
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
      };
      const headerBytes = new TextEncoder().encode(JSON.stringify(header));
      const weights = joinWeights(artifacts.weightData);
      const out = new Uint8Array(prefixBytes + headerBytes.length + weights.length);
      out.set(new TextEncoder().encode(magic), 0);
      const view = new DataView(out.buffer);
      view.setUint32(magic.length, formatVersion, true);
      view.setUint32(magic.length + 4, headerBytes.length, true);
      out.set(headerBytes, prefixBytes);
      out.set(weights, prefixBytes + headerBytes.length);
      captured = out;
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: headerBytes.length,
          weightDataBytes: weights.length,
        },
      };
    },
  };
  await model.save(handler);
  if (!captured) throw new Error('The model was not saved (the save handler was not called).');
  return captured;
}

/** Rebuilds a model from `serializeModel` bytes. */
export async function loadModel(tf: Tf, bytes: Uint8Array): Promise<LayersModel> {
  if (bytes.length < prefixBytes || new TextDecoder().decode(bytes.subarray(0, magic.length)) !== magic) {
    throw new InvalidInputError(
      'These bytes are not an Orchard model artifact (the ORCHTFJS header is missing).',
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(magic.length, true);
  if (version !== formatVersion) {
    throw new InvalidInputError(
      `The model artifact has format version ${version}; this Orchard reads version ${formatVersion}.`,
    );
  }
  const headerLength = view.getUint32(magic.length + 4, true);
  if (prefixBytes + headerLength > bytes.length)
    throw new InvalidInputError('The model artifact is truncated.');
  const header = JSON.parse(
    new TextDecoder().decode(bytes.subarray(prefixBytes, prefixBytes + headerLength)),
  ) as Header;
  // A copy, so the weights start on an aligned, exclusively owned ArrayBuffer.
  const weightData = bytes.slice(prefixBytes + headerLength).buffer;
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: header.modelTopology,
      weightSpecs: header.weightSpecs,
      weightData,
      format: header.format,
      generatedBy: header.generatedBy,
      convertedBy: header.convertedBy,
    }),
  );
}

/**
 * Predictions for `n` rows of `d` values, in batches, as one row-major array: n × 2 for a binary
 * model ([P(class 0), P(class 1)]), n × k for a multiclass model, n values for regression.
 */
export function predictProbabilities(
  tf: Tf,
  model: LayersModel,
  x: Float32Array,
  n: number,
  d: number,
): Float32Array {
  const inputShape = model.inputs[0]!.shape.slice(1) as number[];
  const perRow = inputShape.reduce((a, b) => a * b, 1);
  if (perRow !== d) throw new InvalidInputError(`The model takes ${perRow} values per row; got d = ${d}.`);
  if (x.length !== n * d)
    throw new InvalidInputError(`Expected ${n} rows × ${d} values = ${n * d}; got ${x.length}.`);
  const kind = outputKindOf(model);
  const units = model.outputs[0]!.shape[model.outputs[0]!.shape.length - 1] ?? 1;
  const width = kind === 'sigmoid' ? 2 : units;
  const out = new Float32Array(n * width);
  const chunk = Math.max(1, Math.floor(predictChunkValues / d));
  for (let start = 0; start < n; start += chunk) {
    const rows = Math.min(chunk, n - start);
    const batch = tf.tidy(() => {
      const input = tf.tensor(x.subarray(start * d, (start + rows) * d), [rows, ...inputShape], 'float32');
      return model.predict(input) as Tensor;
    });
    try {
      const values = batch.dataSync();
      if (kind === 'sigmoid') {
        for (let i = 0; i < rows; i++) {
          const p = values[i]!;
          out[(start + i) * 2] = 1 - p;
          out[(start + i) * 2 + 1] = p;
        }
      } else {
        out.set(values, start * width);
      }
    } finally {
      batch.dispose();
    }
  }
  return out;
}

function joinWeights(data: io.ModelArtifacts['weightData']): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const parts = Array.isArray(data) ? data : [data];
  const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(new Uint8Array(part), offset);
    offset += part.byteLength;
  }
  return out;
}
