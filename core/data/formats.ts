import fs from 'node:fs';
import path from 'node:path';
import type { TableFormat } from '../contract/schemas.js';
import { InvalidInputError } from '../contract/errors.js';
import { fileLabel } from './errors.js';

/** How much of a file we read to decide its format and check it is text. */
export const headBytes = 64 * 1024;

const formatByExtension: Readonly<Record<string, TableFormat>> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.arrow': 'arrow',
  '.feather': 'arrow',
  '.ipc': 'arrow',
  '.arrows': 'arrow',
};

export interface SourceFile {
  readonly path: string;
  readonly sizeBytes: number;
  /** The first `headBytes` bytes (fewer for a smaller file). */
  readonly head: Buffer;
}

/** Opens the source for reading and checks it exists, is a file and is not empty. */
export function openSourceFile(file: string): SourceFile {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new InvalidInputError(`${file} does not exist or cannot be read. Check the path.`, { file });
  }
  if (!stat.isFile()) throw new InvalidInputError(`${file} is not a file.`, { file });
  if (stat.size === 0) {
    throw new InvalidInputError(`${fileLabel(file)} is empty (0 bytes). Choose a file that has data.`, {
      file,
    });
  }
  const head = Buffer.alloc(Math.min(headBytes, stat.size));
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  return { path: file, sizeBytes: stat.size, head };
}

/** `PAR1` at the start (and end) of every Parquet file. */
function isParquetMagic(head: Buffer): boolean {
  return head.length >= 4 && head.subarray(0, 4).toString('latin1') === 'PAR1';
}

/** Arrow IPC file (`ARROW1`) or stream (a message starting with the 0xFFFFFFFF continuation marker). */
function isArrowMagic(head: Buffer): boolean {
  if (head.length >= 6 && head.subarray(0, 6).toString('latin1') === 'ARROW1') return true;
  return head.length >= 8 && head.readUInt32LE(0) === 0xffffffff;
}

function hasUtf16Bom(head: Buffer): boolean {
  return (
    head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))
  );
}

/** JSON array vs JSON Lines, from the first non-space character and whether the first line stands alone. */
function jsonFlavour(head: Buffer): TableFormat | undefined {
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  const start = text.search(/\S/);
  if (start < 0) return undefined;
  if (text[start] === '[') return 'json';
  if (text[start] !== '{') return undefined;
  const newline = text.indexOf('\n', start);
  const firstLine = newline < 0 ? text.slice(start) : text.slice(start, newline);
  try {
    JSON.parse(firstLine);
    return 'jsonl';
  } catch {
    // One object pretty-printed over several lines: read as a one-row JSON document.
    return 'json';
  }
}

/**
 * Decides the format: an explicit choice wins; then binary magic bytes (a Parquet or Arrow file
 * keeps its format whatever it is called); then the extension (JSON vs JSON Lines by content);
 * then the content (JSON-looking text, else delimited text).
 */
export function detectFormat(source: SourceFile, requested?: TableFormat): TableFormat {
  if (requested !== undefined) return requested;
  if (isParquetMagic(source.head)) return 'parquet';
  if (isArrowMagic(source.head)) return 'arrow';
  const byExtension = formatByExtension[path.extname(source.path).toLowerCase()];
  if (byExtension === 'json' || byExtension === 'jsonl') return jsonFlavour(source.head) ?? byExtension;
  if (byExtension !== undefined) return byExtension;
  return jsonFlavour(source.head) ?? 'csv';
}

/**
 * Refuses binary content in a text format before DuckDB reads it, since DuckDB would report a
 * puzzling encoding or dialect error instead. A NUL byte never appears in UTF-8 or Latin-1 text;
 * UTF-16 (by BOM or by the user's choice) is exempt because half its bytes are NUL.
 */
export function assertTextContent(
  source: SourceFile,
  format: TableFormat,
  encoding: string | undefined,
): void {
  if (format === 'parquet' || format === 'arrow') return;
  if (encoding === 'utf-16' || hasUtf16Bom(source.head)) return;
  const nul = source.head.indexOf(0);
  if (nul >= 0) {
    throw new InvalidInputError(
      `${fileLabel(source.path)} looks like a binary file, not ${format.toUpperCase()} text ` +
        `(byte ${nul} is NUL). Check you chose the right file, or set the format if it is Parquet or Arrow.`,
      { file: source.path, byte: nul },
    );
  }
}

/** The encoding DuckDB should read with: the user's, else UTF-16 when a BOM says so. */
export function effectiveEncoding(source: SourceFile, requested: string | undefined): string | undefined {
  if (requested !== undefined) return requested;
  return hasUtf16Bom(source.head) ? 'utf-16' : undefined;
}
