import type { Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { InvalidInputError } from '../contract/index.js';

/** Longest line (or CSV record) a label file may hold; a longer one is reported, never buffered whole. */
export const maxLineBytes = 64 * 1024;

/** How much of the start of a file is checked for binary content. */
const sniffBytes = 64 * 1024;

/** One physical line of a text file (1-based number), or why it could not be read. */
export type TextLine =
  { readonly line: number; readonly text: string } | { readonly line: number; readonly error: string };

export interface ReadLinesOptions {
  readonly signal?: AbortSignal | undefined;
  /** Bytes read so far, for progress. */
  readonly onBytes?: ((bytes: number) => void) | undefined;
  /** Receives every byte of the file, so the caller has its sha256 without a second pass. */
  readonly hash?: Hash | undefined;
}

function refuseBinary(file: string, head: Buffer): void {
  const name = path.basename(file);
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))
    throw new InvalidInputError(
      `${name} is UTF-16 text; save it as UTF-8 (CSV UTF-8 in Excel) and import it again.`,
      {
        path: file,
      },
    );
  if (head.subarray(0, sniffBytes).includes(0))
    throw new InvalidInputError(
      `${name} is not a text file (it holds binary data); import labels from a CSV or JSONL file.`,
      { path: file },
    );
}

/**
 * Streams a file's lines without holding it whole: LF or CRLF endings, a UTF-8 byte order mark
 * dropped, invalid UTF-8 and over-long lines reported as errors for their line (an over-long line
 * is skipped to its end, so one 100 MB line costs no memory). Binary and UTF-16 files are refused.
 */
export async function* readLines(file: string, options: ReadLinesOptions = {}): AsyncGenerator<TextLine> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let tooLong = false;
  let line = 1;
  let bytes = 0;
  let first = true;
  const append = (part: Buffer): void => {
    if (tooLong || part.length === 0) return;
    if (pendingBytes + part.length > maxLineBytes) {
      tooLong = true;
      pending = [];
      pendingBytes = 0;
      return;
    }
    pending.push(part);
    pendingBytes += part.length;
  };
  const finish = (): TextLine => {
    const number = line++;
    const wasTooLong = tooLong;
    let raw = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    tooLong = false;
    if (wasTooLong) return { line: number, error: `the line is longer than ${maxLineBytes / 1024} KiB` };
    if (raw[raw.length - 1] === 0x0d) raw = raw.subarray(0, raw.length - 1);
    try {
      return { line: number, text: decoder.decode(raw) };
    } catch {
      return { line: number, error: 'the line is not UTF-8 text' };
    }
  };
  try {
    for await (const data of input as AsyncIterable<Buffer>) {
      options.signal?.throwIfAborted();
      options.hash?.update(data);
      bytes += data.length;
      let chunk = data;
      if (first) {
        first = false;
        refuseBinary(file, chunk);
        if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
      }
      let start = 0;
      for (let nl = chunk.indexOf(0x0a, start); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
        append(chunk.subarray(start, nl));
        yield finish();
        start = nl + 1;
      }
      append(chunk.subarray(start));
      options.onBytes?.(bytes);
    }
    if (pendingBytes > 0 || tooLong) yield finish();
  } finally {
    input.destroy();
  }
}

/** One CSV record: its fields and the line it starts on, or why it is malformed. */
export type CsvRecord =
  | { readonly line: number; readonly fields: readonly string[] }
  | { readonly line: number; readonly error: string };

/**
 * RFC 4180 records from lines: quoted fields may hold the delimiter, `""` and line breaks (a record
 * then spans several lines and is numbered by its first). Blank lines are skipped.
 */
export async function* csvRecords(
  lines: AsyncIterable<TextLine>,
  delimiter: string,
): AsyncGenerator<CsvRecord> {
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let startLine = 0;
  let size = 0;
  for await (const entry of lines) {
    if ('error' in entry) {
      // An unreadable line inside a quoted field spoils its whole record.
      yield { line: inQuotes ? startLine : entry.line, error: entry.error };
      fields = [];
      field = '';
      inQuotes = false;
      continue;
    }
    const text = entry.text;
    if (!inQuotes) {
      if (text.trim() === '') continue;
      startLine = entry.line;
      fields = [];
      field = '';
      size = 0;
    } else {
      field += '\n';
    }
    size += text.length;
    if (size > maxLineBytes) {
      yield { line: startLine, error: `the record is longer than ${maxLineBytes / 1024} KiB` };
      inQuotes = false;
      continue;
    }
    let error: string | undefined;
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (inQuotes) {
        if (c !== '"') field += c;
        else if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
          const next = text[i + 1];
          if (next !== undefined && next !== delimiter) {
            error = `a quoted field is followed by \`${next}\` (expected \`${delimiter === '\t' ? '\\t' : delimiter}\` or the end of the line)`;
            break;
          }
        }
      } else if (c === delimiter) {
        fields.push(field);
        field = '';
      } else if (c === '"' && field === '') {
        inQuotes = true;
      } else {
        field += c;
      }
    }
    if (error !== undefined) {
      yield { line: startLine, error };
      inQuotes = false;
      continue;
    }
    if (inQuotes) continue; // the quoted field goes on on the next line
    fields.push(field);
    yield { line: startLine, fields };
  }
  if (inQuotes) yield { line: startLine, error: 'a quoted field is not closed before the end of the file' };
}
