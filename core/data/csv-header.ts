import { InvalidInputError } from '../contract/errors.js';
import { fileLabel } from './errors.js';

export interface CsvHeader {
  readonly names: readonly string[];
  readonly delimiter: string;
}

const delimiterCandidates = [',', '\t', ';', '|'] as const;

/** Decodes the head of a delimited file the way DuckDB will, dropping a byte-order mark. */
export function decodeHead(head: Buffer, encoding: string | undefined): string {
  const label = encoding === 'latin-1' ? 'latin1' : encoding === 'utf-16' ? 'utf-16le' : 'utf-8';
  // A UTF-16 big-endian BOM needs its own decoder; TextDecoder('utf-16le') would garble it.
  const decoder = new TextDecoder(head[0] === 0xfe && head[1] === 0xff ? 'utf-16be' : label);
  return decoder.decode(head).replace(/^\uFEFF/, '');
}

/**
 * Splits the first record of delimited text into fields, honouring double quotes (a quoted field
 * may hold the delimiter, `""` and newlines). Returns undefined when the record does not end
 * within `text` while inside quotes, i.e. the head we read is too short to hold the header.
 */
export function splitFirstRecord(text: string, delimiter: string): string[] | undefined {
  const fields: string[] = [];
  let field = '';
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else field += ch;
    } else if (ch === '"' && field.trim().length === 0) {
      inQuotes = true;
      field = '';
    } else if (text.startsWith(delimiter, i)) {
      fields.push(field);
      field = '';
      i += delimiter.length - 1;
    } else if (ch === '\n' || ch === '\r') {
      fields.push(field);
      return fields;
    } else field += ch;
  }
  if (inQuotes) return undefined;
  fields.push(field);
  return fields;
}

/** The candidate delimiter seen most often, outside quotes, in the header line. */
function guessDelimiter(text: string): string {
  let best: string = ',';
  let bestCount = 0;
  for (const candidate of delimiterCandidates) {
    const count = (splitFirstRecord(text, candidate)?.length ?? 1) - 1;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

/**
 * Reads and checks the header of a delimited file ourselves, because DuckDB silently renames
 * duplicate and empty column names (`a_1`, `column2`) and a user should fix those at the source.
 * The delimiter found here is then given to DuckDB so a ragged line is an error, not a new dialect.
 */
export function readCsvHeader(
  file: string,
  head: Buffer,
  options: {
    readonly delimiter?: string | undefined;
    readonly encoding?: string | undefined;
    readonly tab: boolean;
  },
): CsvHeader {
  const text = decodeHead(head, options.encoding);
  if (text.trim().length === 0) {
    throw new InvalidInputError(
      `${fileLabel(file)} has no header line (it is blank). Choose a file that has data.`,
      {
        file,
      },
    );
  }
  const delimiter = options.delimiter ?? (options.tab ? '\t' : guessDelimiter(text));
  const fields = splitFirstRecord(text, delimiter);
  if (fields === undefined) {
    throw new InvalidInputError(
      `${fileLabel(file)}: the header line does not end within the first ${head.length} bytes (an unclosed quote?). Check the first line.`,
      { file },
    );
  }
  const names = fields.map((name) => name.trim());
  const empty = names.flatMap((name, index) => (name.length === 0 ? [index + 1] : []));
  const seen = new Map<string, number[]>();
  names.forEach((name, index) => {
    if (name.length === 0) return;
    // DuckDB column names are case-insensitive, so `Age` and `age` collide too.
    const key = name.toLowerCase();
    seen.set(key, [...(seen.get(key) ?? []), index + 1]);
  });
  const duplicates = [...seen.values()].filter((positions) => positions.length > 1);
  if (empty.length > 0 || duplicates.length > 0) {
    const problems: string[] = [];
    if (empty.length > 0) problems.push(`empty column name at position ${empty.join(', ')}`);
    for (const positions of duplicates) {
      const name = names[(positions[0] ?? 1) - 1] ?? '';
      problems.push(`\`${name}\` appears at positions ${positions.join(', ')}`);
    }
    throw new InvalidInputError(
      `${fileLabel(file)}: the header has ${problems.join('; ')}. Give every column a unique, non-empty name in the first line.`,
      { file, emptyPositions: empty, duplicatePositions: duplicates },
    );
  }
  return { names, delimiter };
}
