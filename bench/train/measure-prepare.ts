/**
 * Times `prepareTrainingData` and `transformRows` on 1M rows × 30 inputs (20 float, 5 categorical
 * with 8 values, 3 boolean, 2 date; ~5 % missing). Not a test; run it by hand:
 *   node --import tsx bench/train/measure-prepare.ts [rows] [categories per categorical input; 0 = 30 float inputs only]
 * Not a benchmark against a peer: a timing probe of the training data preparation.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Column } from '../../core/contract/schemas.js';
import { TrainingConfig } from '../../core/contract/training.js';
import { openDuck, withConnection } from '../../core/data/duck.js';
import { quoteLiteral } from '../../core/data/sql.js';
import { prepareTrainingData } from '../../core/train/data/prepare.js';
import { transformRows } from '../../core/train/data/transform.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const categories = Number(process.argv[3] ?? 8);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orchard-train-measure-'));
const db = await openDuck({ tempDirectory: path.join(dir, 'duck-tmp') });
const file = path.join(dir, 'data.parquet');
const columns: Column[] = [];
const select: string[] = ['range AS _row_id'];
const floats = categories === 0 ? 30 : 20;
for (let i = 0; i < floats; i += 1) {
  select.push(`CASE WHEN random() < 0.05 THEN NULL ELSE random() * 100 END::DOUBLE AS f${i}`);
  columns.push({ name: `f${i}`, type: 'float', storageType: 'DOUBLE' });
}
for (let i = 0; i < (categories === 0 ? 0 : 5); i += 1) {
  select.push(
    `CASE WHEN random() < 0.05 THEN NULL ELSE 'c' || floor(random() * ${categories})::INTEGER END AS c${i}`,
  );
  columns.push({ name: `c${i}`, type: 'categorical', storageType: 'VARCHAR' });
}
for (let i = 0; i < (categories === 0 ? 0 : 3); i += 1) {
  select.push(`CASE WHEN random() < 0.05 THEN NULL ELSE random() < 0.5 END AS b${i}`);
  columns.push({ name: `b${i}`, type: 'boolean', storageType: 'BOOLEAN' });
}
for (let i = 0; i < (categories === 0 ? 0 : 2); i += 1) {
  select.push(`DATE '2020-01-01' + floor(random() * 1500)::INTEGER AS d${i}`);
  columns.push({ name: `d${i}`, type: 'date', storageType: 'DATE' });
}
select.push(`['a', 'b', 'c'][1 + floor(random() * 3)::INTEGER] AS target`);
columns.push({ name: 'target', type: 'categorical', storageType: 'VARCHAR' });
await withConnection(db, (connection) =>
  connection.run(
    `COPY (SELECT ${select.join(', ')} FROM range(${rows})) TO ${quoteLiteral(file)} (FORMAT parquet)`,
  ),
);

const config = TrainingConfig.parse({
  datasetVersionId: 'dsv_measure',
  target: { column: 'target' },
  task: 'multiclass',
});
for (let run = 0; run < 2; run += 1) {
  let started = performance.now();
  const prepared = await prepareTrainingData({ db, parquetPath: file, columns, config });
  const prepareMs = performance.now() - started;
  started = performance.now();
  const out = await transformRows(prepared.pipeline, db, { parquetPath: file });
  const transformMs = performance.now() - started;
  console.log(
    `rows ${rows}, features ${prepared.featureNames.length}: prepareTrainingData ${prepareMs.toFixed(0)} ms, ` +
      `transformRows (all rows) ${transformMs.toFixed(0)} ms (${out.n} rows), threads ${os.cpus().length}`,
  );
}
db.closeSync();
fs.rmSync(dir, { recursive: true, force: true });
