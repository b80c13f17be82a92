import type { DuckDBInstance } from '@duckdb/node-api';
import { InvalidInputError } from '../../contract/errors.js';
import type { LeakageReport } from '../../contract/validation.js';
import { rowIdColumn, storageKind } from '../column-types.js';
import type { StorageKind } from '../column-types.js';
import { withConnection } from '../duck.js';
import { quoteIdent } from '../sql.js';
import type { Snapshot } from './group-checks.js';
import { exampleRowLimit } from './sql-parts.js';

/**
 * Rows of `left` that also occur in `right` (train/test leakage): identical in every column but
 * `_row_id` (missing equals missing), and, with `idColumn`, ids present in both. The schemas must
 * match by name and type, in any order. `identicalRows` counts left rows with a twin on the right;
 * each example pairs a left row with the first right row equal to it.
 */
/**
 * Splits of one table may be inferred differently (a float column whose sample held only whole
 * numbers, a category that looked like text), so numbers compare with numbers and strings with strings.
 */
function comparable(left: StorageKind, right: StorageKind): boolean {
  const numeric = (kind: StorageKind) => kind === 'integer' || kind === 'float';
  return left === right || (numeric(left) && numeric(right));
}

export async function findLeakage(
  db: DuckDBInstance,
  left: Snapshot,
  right: Snapshot,
  idColumn?: string,
): Promise<Omit<LeakageReport, 'leftVersionId' | 'rightVersionId'>> {
  const columns = left.columns.filter((column) => column.name !== rowIdColumn);
  const problems: string[] = [];
  for (const column of columns) {
    const twin = right.columns.find((candidate) => candidate.name === column.name);
    if (twin === undefined) problems.push(`\`${column.name}\` is missing on the right`);
    else if (!comparable(storageKind(column.storageType), storageKind(twin.storageType))) {
      problems.push(`\`${column.name}\` is ${column.type} on the left but ${twin.type} on the right`);
    }
  }
  for (const column of right.columns) {
    if (column.name !== rowIdColumn && !columns.some((candidate) => candidate.name === column.name)) {
      problems.push(`\`${column.name}\` is missing on the left`);
    }
  }
  if (idColumn !== undefined && !columns.some((column) => column.name === idColumn)) {
    problems.push(`the id column \`${idColumn}\` does not exist`);
  }
  if (problems.length > 0 || columns.length === 0) {
    const reason = columns.length === 0 ? 'there are no columns to compare' : problems.join('; ');
    throw new InvalidInputError(`Cannot compare the two versions for leakage: ${reason}.`, { problems });
  }

  return withConnection(db, async (connection) => {
    const idents = columns.map((column) => quoteIdent(column.name));
    const join = idents.map((ident) => `l.${ident} IS NOT DISTINCT FROM r.${ident}`).join(' AND ');
    // The right side is grouped first, so a left row meets at most one right group, whatever the duplication.
    const identical = await connection.runAndReadAll(
      `WITH r AS (SELECT ${idents.join(', ')}, min("_row_id") AS rid FROM read_parquet($2) GROUP BY ALL),
       matches AS (SELECT l."_row_id" AS lid, r.rid FROM read_parquet($1) l JOIN r ON ${join})
       SELECT count(*) OVER () AS total, lid, rid FROM matches ORDER BY lid LIMIT ${exampleRowLimit}`,
      [left.parquetPath, right.parquetPath],
    );
    const identicalRowsList = identical.getRowsJS();
    const identicalRows = Number(identicalRowsList[0]?.[0] ?? 0);
    const identicalRowExamples = identicalRowsList.map(([, lid, rid]) => ({
      left: Number(lid),
      right: Number(rid),
    }));

    if (idColumn === undefined) {
      return { identicalRows, identicalRowExamples, idColumn: null, sharedIds: null, sharedIdExamples: [] };
    }
    const id = quoteIdent(idColumn);
    const shared = await connection.runAndReadAll(
      `WITH l AS (SELECT DISTINCT ${id} AS id FROM read_parquet($1) WHERE ${id} IS NOT NULL),
       s AS (SELECT id FROM l WHERE id IN (SELECT ${id} FROM read_parquet($2)))
       SELECT count(*) OVER () AS total, CAST(id AS VARCHAR) FROM s ORDER BY id LIMIT ${exampleRowLimit}`,
      [left.parquetPath, right.parquetPath],
    );
    const sharedRows = shared.getRowsJS();
    return {
      identicalRows,
      identicalRowExamples,
      idColumn,
      sharedIds: Number(sharedRows[0]?.[0] ?? 0),
      sharedIdExamples: sharedRows.map(([, value]) => String(value)),
    };
  });
}
