/**
 * The only two ways text enters SQL here other than bound parameters. Everything a user typed
 * (filter values, delimiters) is bound; these are for names and for paths we produced ourselves.
 */

/** Quotes an identifier: `a"b` → `"a""b"`. Column names come from files, so always quote them. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Quotes a string literal. Use it only for paths this module created (the output Parquet, staging
 * files) or for constants: DuckDB's `COPY … TO` takes no bound parameter for its target.
 */
export function quoteLiteral(text: string): string {
  if (text.includes('\0')) throw new Error('A NUL byte cannot appear in a SQL literal.');
  return `'${text.replaceAll("'", "''")}'`;
}

/** DuckDB expands these in file paths given to table functions, so a path holding one must be hidden. */
export function hasGlobCharacters(path: string): boolean {
  return /[*?[\]{}]/.test(path);
}
