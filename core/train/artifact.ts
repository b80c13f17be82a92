import { InvalidInputError } from '../contract/index.js';
import type { TrainingTask } from '../contract/index.js';

/** What a model artifact carries besides the network: everything prediction needs, nothing else. */
export interface ArtifactHeader {
  readonly format: 'orchard-model/1';
  readonly task: TrainingTask;
  readonly target: string;
  readonly labels: string[] | null;
  readonly featureNames: string[];
  /** The fitted feature pipeline (JSON), applied identically wherever the model predicts. */
  readonly pipeline: unknown;
}

const magic = Buffer.from('ORCHARD1');

/** One file: magic, header length (uint32 LE), header JSON, then the serialised network. */
export function packArtifact(header: ArtifactHeader, network: Uint8Array): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length, 0);
  return Buffer.concat([
    magic,
    length,
    json,
    Buffer.from(network.buffer, network.byteOffset, network.byteLength),
  ]);
}

export function unpackArtifact(bytes: Buffer): { header: ArtifactHeader; network: Uint8Array } {
  if (bytes.length < 12 || !bytes.subarray(0, 8).equals(magic)) {
    throw new InvalidInputError('This file is not an Orchard model artifact (bad magic); it may be damaged.');
  }
  const length = bytes.readUInt32LE(8);
  if (12 + length > bytes.length) throw new InvalidInputError('The model artifact is truncated.');
  const header = JSON.parse(bytes.subarray(12, 12 + length).toString('utf8')) as ArtifactHeader;
  if (header.format !== 'orchard-model/1') {
    throw new InvalidInputError(
      `Unsupported model artifact format "${String(header.format)}"; update Orchard.`,
    );
  }
  return { header, network: new Uint8Array(bytes.subarray(12 + length)) };
}
