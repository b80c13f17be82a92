import fs from 'node:fs';
import path from 'node:path';
import { structValue } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { InvalidInputError } from '../contract/errors.js';
import type { ImportOptions } from '../contract/methods.js';
import type { ColumnType, TableFormat } from '../contract/schemas.js';
import { storageTypeFor } from './column-types.js';
import { readCsvHeader } from './csv-header.js';
import { fileLabel, isSniffFailure, mapReadError } from './errors.js';
import { assertTextContent, detectFormat, effectiveEncoding } from './formats.js';
import type { SourceFile } from './formats.js';
import { hasGlobCharacters } from './sql.js';

/** How a source file is read by a DuckDB table function (everything bound except constants). */
export interface SourceScan {
  readonly format: TableFormat;
  /** `read_csv($1, …)` and friends; undefined for Arrow, which is streamed in by `ingestArrow`. */
  readonly fromSql: string | undefined;
  readonly params: readonly DuckDBValue[];
  /** Path DuckDB actually opens (a glob-free link when the real one has `*`, `?`, `[`…). */
  readonly readPath: string;
  /** Column names from the header line of delimited text (checked unique and non-empty). */
  readonly headerNames: readonly string[] | undefined;
  readonly delimiter: string | undefined;
  readonly encoding: string | undefined;
  /** Overrides DuckDB applies while reading (delimited text); the rest are applied by CAST. */
  readonly overridesAtRead: Readonly<Record<string, ColumnType>>;
}

/**
 * DuckDB expands glob characters in paths given to its readers, and a path cannot be escaped, so
 * a file whose path has one is read through a symlink with a plain name in our staging folder.
 */
export function globSafePath(file: string, stagingDir: string): string {
  if (!hasGlobCharacters(file)) return file;
  const link = path.join(
    stagingDir,
    `source-${process.pid}-${Date.now()}${path.extname(file).replace(/[^.\w]/g, '')}`,
  );
  fs.symlinkSync(path.resolve(file), link);
  return link;
}

/** Checks every overridden column exists, naming the ones that do not and the ones that do. */
export function assertOverridesExist(
  file: string,
  overrides: Readonly<Record<string, ColumnType>>,
  names: readonly string[],
): void {
  const known = new Set(names);
  const unknown = Object.keys(overrides).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new InvalidInputError(
      `${fileLabel(file)} has no column ${unknown.map((name) => `\`${name}\``).join(', ')} to set a type for. ` +
        `Its columns are: ${names.map((name) => `\`${name}\``).join(', ')}.`,
      { file, unknownColumns: unknown, columns: [...names] },
    );
  }
}

/** Works out format, dialect and the read expression; throws on problems visible before reading. */
export function planScan(
  source: SourceFile,
  options: ImportOptions | undefined,
  readPath: string,
): SourceScan {
  const format = detectFormat(source, options?.format);
  const encoding = effectiveEncoding(source, options?.encoding);
  assertTextContent(source, format, encoding);
  const overrides = options?.columnTypes ?? {};
  const base = { format, readPath, encoding };
  switch (format) {
    case 'csv':
    case 'tsv': {
      const header = readCsvHeader(source.path, source.head, {
        delimiter: options?.delimiter,
        encoding,
        tab: format === 'tsv',
      });
      assertOverridesExist(source.path, overrides, header.names);
      // The header line is always the names: Orchard imports tables whose first line names them.
      const args = ['$1', 'header = true', 'delim = $2'];
      const params: DuckDBValue[] = [readPath, header.delimiter];
      if (Object.keys(overrides).length > 0) {
        const types: Record<string, DuckDBValue> = {};
        for (const [name, type] of Object.entries(overrides)) types[name] = storageTypeFor[type];
        params.push(structValue(types));
        args.push(`types = $${params.length}`);
      }
      if (encoding !== undefined) {
        params.push(encoding);
        args.push(`encoding = $${params.length}`);
      }
      return {
        ...base,
        fromSql: `read_csv(${args.join(', ')})`,
        params,
        headerNames: header.names,
        delimiter: header.delimiter,
        overridesAtRead: overrides,
      };
    }
    case 'json':
    case 'jsonl': {
      const firstChar = source.head
        .toString('utf8')
        .replace(/^\uFEFF/, '')
        .trimStart()[0];
      const jsonFormat = format === 'jsonl' ? 'newline_delimited' : firstChar === '[' ? 'array' : 'auto';
      return {
        ...base,
        fromSql: 'read_json($1, format = $2)',
        params: [readPath, jsonFormat],
        headerNames: undefined,
        delimiter: undefined,
        overridesAtRead: {},
      };
    }
    case 'parquet':
      return {
        ...base,
        fromSql: 'read_parquet($1)',
        params: [readPath],
        headerNames: undefined,
        delimiter: undefined,
        overridesAtRead: {},
      };
    case 'arrow':
      return {
        ...base,
        fromSql: undefined,
        params: [],
        headerNames: undefined,
        delimiter: undefined,
        overridesAtRead: {},
      };
  }
}

/**
 * When DuckDB's sniffer gives up (it does on a ragged line: no dialect fits every sampled line),
 * re-reads the file strictly with the header's dialect so DuckDB names the offending line.
 * Returns the mapped error, or a general one if the strict read somehow succeeds.
 */
export async function diagnoseCsv(
  connection: DuckDBConnection,
  scan: SourceScan,
  file: string,
): Promise<unknown> {
  const names = scan.headerNames ?? [];
  const columns: Record<string, DuckDBValue> = {};
  for (const name of names) columns[name] = 'VARCHAR';
  const params: DuckDBValue[] = [scan.readPath, scan.delimiter ?? ',', structValue(columns)];
  let encodingArg = '';
  if (scan.encoding !== undefined) {
    params.push(scan.encoding);
    encodingArg = ', encoding = $4';
  }
  try {
    await connection.run(
      `SELECT count(*) FROM (SELECT * FROM read_csv($1, header = true, delim = $2, quote = '"', escape = '"', ` +
        `auto_detect = false, columns = $3${encodingArg}))`,
      params,
    );
  } catch (error) {
    if (!isSniffFailure(error)) return mapReadError(error, { file });
  }
  return new InvalidInputError(
    `${fileLabel(file)}: could not work out how the file is laid out (delimiter, quoting). ` +
      'Set the delimiter explicitly, or check the file is a table with one record per line.',
    { file },
  );
}
