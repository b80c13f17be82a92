import path from 'node:path';
import { CancelledError, InvalidInputError, OrchardError } from '../contract/errors.js';

/** What we know about the read that failed, to name it in the message. */
export interface FailedReadContext {
  readonly file: string;
  /** Column name → the logical type the user asked for, to say which override did not fit. */
  readonly overrides?: Readonly<Record<string, string>>;
}

const typeWords: Readonly<Record<string, string>> = {
  BIGINT: 'an integer',
  INTEGER: 'an integer',
  SMALLINT: 'an integer',
  TINYINT: 'an integer',
  HUGEINT: 'an integer',
  DOUBLE: 'a number',
  FLOAT: 'a number',
  BOOLEAN: 'true/false',
  DATE: 'a date',
  TIMESTAMP: 'a timestamp',
};

/** A short name for the file in messages; the full path goes into `details`. */
export function fileLabel(file: string): string {
  return path.basename(file);
}

/** True for DuckDB's interrupt error, raised after `connection.interrupt()`. */
export function isInterrupt(error: unknown): boolean {
  return error instanceof Error && /^INTERRUPT Error|Interrupted!/.test(error.message);
}

/** True when the CSV sniffer gave up on the dialect; the caller then re-reads strictly to find the line. */
export function isSniffFailure(error: unknown): boolean {
  return error instanceof Error && error.message.includes('Error when sniffing file');
}

/**
 * Turns a DuckDB error raised while reading a user's file into an `InvalidInputError` that names
 * the file, the line and column when DuckDB told us, and what to do. Errors that are not about
 * the input (out of memory, bugs) are returned unchanged so they surface as `internal`.
 */
export function mapReadError(error: unknown, context: FailedReadContext): unknown {
  if (error instanceof OrchardError) return error;
  if (isInterrupt(error)) return new CancelledError('The import was cancelled.');
  if (!(error instanceof Error)) return error;
  const text = error.message;
  const file = fileLabel(context.file);
  const details: Record<string, unknown> = { file: context.file };
  const lineMatch = /CSV Error on Line: (\d+)/.exec(text);
  const line = lineMatch === null ? undefined : Number(lineMatch[1]);
  if (line !== undefined) details['line'] = line;
  const at = line === undefined ? '' : ` line ${line}`;

  const fields = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(text);
  if (fields !== null) {
    details['expectedFields'] = Number(fields[1]);
    details['foundFields'] = Number(fields[2]);
    return new InvalidInputError(
      `${file}:${at} has ${fields[2]} fields, expected ${fields[1]} like the header. ` +
        'Fix that line (often an unquoted delimiter inside a value), or choose the right delimiter.',
      details,
    );
  }

  const conversion =
    /Error when converting column "((?:[^"]|"")*)"\. Could not convert string "((?:[^"]|"")*)" to '([A-Z_ ]+)'/.exec(
      text,
    );
  if (conversion !== null) {
    const column = conversion[1] ?? '';
    const value = conversion[2] ?? '';
    const storage = conversion[3] ?? '';
    details['column'] = column;
    details['value'] = value;
    const overridden = context.overrides?.[column];
    const expected = typeWords[storage] ?? storage;
    const fix =
      overridden === undefined
        ? `Import \`${column}\` as text (columnTypes: { ${JSON.stringify(column)}: 'text' }) or fix the value.`
        : `You asked for \`${column}\` as ${overridden}; choose another type (e.g. 'text') or fix the value.`;
    return new InvalidInputError(
      `${file}:${at} column \`${column}\` has '${value}', which is not ${expected}. ${fix}`,
      details,
    );
  }

  if (text.includes('Invalid unicode') || text.includes('not utf-8 encoded')) {
    return new InvalidInputError(
      `${file} is not UTF-8 text (first bad bytes near${at || ' the start'}). ` +
        "If it was saved by Excel or an older tool, import it with encoding: 'latin-1' (or 'utf-16').",
      details,
    );
  }

  const json = /Malformed JSON in file "[^"]*", at byte (\d+) in (?:line|record\/value) (\d+): ([^\n]*)/.exec(
    text,
  );
  if (json !== null) {
    details['line'] = Number(json[2]);
    return new InvalidInputError(
      `${file} is not valid JSON: line ${json[2]}, byte ${json[1]}: ${(json[3] ?? '').trim()} ` +
        'Fix the file, or check that it is JSON (one array) or JSON Lines (one object per line).',
      details,
    );
  }
  if (/JSON|json/.test(text) && /Invalid Input Error/.test(text)) {
    return new InvalidInputError(`${file} could not be read as JSON: ${firstLine(text)}`, details);
  }

  if (
    /No magic bytes found|Parquet|parquet|Thrift|footer/.test(text) &&
    /Invalid|IO Error|Error/.test(text)
  ) {
    return new InvalidInputError(
      `${file} is not a complete Parquet file (it may be truncated or damaged): ${firstLine(text)} ` +
        'Export it again from its source.',
      details,
    );
  }

  if (/^(Invalid Input|Conversion|Parser) Error/.test(text)) {
    return new InvalidInputError(`${file} could not be read: ${firstLine(text)}`, details);
  }
  return error;
}

function firstLine(text: string): string {
  const line = text.split('\n').find((part) => part.trim().length > 0) ?? text;
  return line.replace(/^[A-Za-z ]+ Error: /, '').trim();
}
