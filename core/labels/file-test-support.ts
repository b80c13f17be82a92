import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBInstance } from '@duckdb/node-api';
import { afterEach } from 'vitest';
import type {
  DatasetVersion,
  LabelSet,
  LabelSetDefinition,
  LabelValue,
  LabelVersion,
} from '../contract/index.js';
import { LabelSetDefinition as LabelSetDefinitionSchema } from '../contract/index.js';
import { openDuck, withConnection } from '../data/duck.js';
import { quoteLiteral } from '../data/sql.js';
import {
  ObjectStore,
  appendAnnotations,
  createLabelSet,
  createProject,
  openRegistry,
  registerObject,
  registerVersion,
} from '../registry/index.js';
import type { RegistryDb } from '../registry/index.js';
import { useTempDir } from '../registry/test-support.js';
import { freezeLabelSet } from './freeze.js';

/**
 * Label-file tests build their workspaces straight through the registry (no engine): a table or
 * image dataset version with a real Parquet snapshot, a label set, annotations, a frozen version.
 */

export interface TestStores {
  readonly db: RegistryDb;
  readonly store: ObjectStore;
  readonly duck: DuckDBInstance;
  readonly dir: string;
  close(): Promise<void>;
}

export async function openStores(dir: string): Promise<TestStores> {
  const store = new ObjectStore(dir);
  await store.init();
  const db = openRegistry(path.join(dir, 'orchard.db'));
  const duck = await openDuck({ tempDirectory: path.join(dir, 'duck-tmp'), threads: 1 });
  const projectId = createProject(db, 'p', 'tester').id;
  stores.set(db, projectId);
  return {
    db,
    store,
    duck,
    dir,
    async close() {
      duck.closeSync();
      db.close();
      await store.close();
    },
  };
}

const stores = new WeakMap<RegistryDb, string>();
let versionCounter = 0;

async function snapshot(t: TestStores, selectSql: string): Promise<{ sha256: string; sizeBytes: number }> {
  const staged = t.store.stagingPath('.parquet');
  await withConnection(t.duck, (c) =>
    c.run(`COPY (${selectSql}) TO ${quoteLiteral(staged)} (FORMAT parquet)`),
  );
  const stored = await t.store.commit(staged);
  registerObject(t.db, { ...stored, mediaType: 'application/vnd.apache.parquet' });
  return stored;
}

function register(
  t: TestStores,
  snap: { sha256: string; sizeBytes: number },
  rowCount: number,
  columns: DatasetVersion['columns'],
  format: DatasetVersion['source']['format'],
): DatasetVersion {
  versionCounter += 1;
  return registerVersion(t.db, {
    projectId: stores.get(t.db)!,
    datasetName: `d${versionCounter}`,
    importKey: `k${versionCounter}`,
    snapshot: snap,
    rowCount,
    columns,
    source: { path: '/data/x', format, sizeBytes: 1, sha256: 'f'.repeat(64) },
    warnings: [],
    profile: { rowCount, columns: [] },
    actor: 'tester',
  });
}

/** A table of `rows` rows: `_row_id`, `text`. */
/** Stores per test on a fresh temp folder, closed after each test. Call at describe level. */
export function useTestStores(): () => Promise<TestStores> {
  const tempDir = useTempDir();
  const opened: TestStores[] = [];
  afterEach(async () => {
    for (const t of opened.splice(0)) await t.close();
  });
  return async () => {
    const t = await openStores(tempDir());
    opened.push(t);
    return t;
  };
}

export async function tableVersion(t: TestStores, rows: number): Promise<DatasetVersion> {
  const snap = await snapshot(t, `SELECT range AS _row_id, 'item ' || range AS text FROM range(${rows})`);
  return register(t, snap, rows, [{ name: 'text', type: 'text', storageType: 'VARCHAR' }], 'csv');
}

/** An image dataset: each image's bytes go into the object store; `path` as given (sorted by the caller). */
export async function imageVersion(
  t: TestStores,
  images: readonly { path: string; bytes: string }[],
): Promise<DatasetVersion> {
  const shas: string[] = [];
  for (const image of images) {
    const staged = t.store.stagingPath('.png');
    writeFileSync(staged, image.bytes);
    const stored = await t.store.commit(staged);
    registerObject(t.db, { ...stored, mediaType: 'image/png' });
    shas.push(stored.sha256);
  }
  const values = images
    .map((image, i) => `(${i}, ${quoteLiteral(shas[i]!)}, ${quoteLiteral(image.path)})`)
    .join(', ');
  const snap = await snapshot(
    t,
    `SELECT CAST(col0 AS BIGINT) AS _row_id, col1 AS image, col2 AS path FROM (VALUES ${values})`,
  );
  return register(
    t,
    snap,
    images.length,
    [
      { name: 'image', type: 'text', storageType: 'VARCHAR' },
      { name: 'path', type: 'text', storageType: 'VARCHAR' },
    ],
    'images',
  );
}

export function labelSet(
  t: TestStores,
  version: DatasetVersion,
  definition: Partial<LabelSetDefinition> = {},
): LabelSet {
  const parsed = LabelSetDefinitionSchema.parse({
    name: 'animals',
    task: 'single',
    classes: [
      { name: 'cat', color: '#ff0000', hotkey: '1' },
      { name: 'dog', color: '#00ff00', hotkey: '2' },
      { name: 'bird', color: '#0000ff', hotkey: '3' },
    ],
    ...definition,
  });
  return createLabelSet(t.db, {
    datasetVersionId: version.id,
    definition: parsed,
    itemKind: version.source.format === 'images' ? 'image' : 'text',
    actor: 'tester',
  });
}

let annotationCounter = 0;

/** Labels items as one annotator (`rowId → value`). */
export function label(
  t: TestStores,
  set: LabelSet,
  annotator: string,
  values: Record<number, LabelValue>,
): void {
  appendAnnotations(
    t.db,
    set.id,
    Object.entries(values).map(([rowId, value]) => ({
      id: `test-${(annotationCounter += 1).toString().padStart(8, '0')}`,
      rowId: Number(rowId),
      annotator,
      action: 'label' as const,
      value,
    })),
    { origin: 'app' },
  );
}

/** Appends `annotator`'s clear of `rowId` that undoes the annotation with seq `undoes`, with the id given. */
export function appendUndo(
  db: TestStores['db'],
  labelSetId: string,
  undo: { readonly id: string; readonly rowId: number; readonly annotator: string; readonly undoes: number },
): void {
  appendAnnotations(db, labelSetId, [{ ...undo, action: 'clear', value: null }], { origin: 'app' });
}

export async function freeze(t: TestStores, set: LabelSet): Promise<LabelVersion> {
  return (await freezeLabelSet(t, set, 'agreed', 'tester')).version;
}
