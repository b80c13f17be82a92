/** The data layer: DuckDB import, snapshots, profiles and row windows. Pure functions; the engine wires them in. */
export { openDuck, withConnection } from './duck.js';
export type { OpenDuckOptions } from './duck.js';
export { detectFormat, openSourceFile } from './formats.js';
export { importToSnapshot, rowIdColumn } from './import-file.js';
export type { ImportToSnapshotOptions, ImportedSnapshot } from './import-file.js';
export { inspectFile } from './inspect.js';
export { profileSnapshot } from './profile.js';
export type { SnapshotProfile } from './profile.js';
export { clearRowWindowCache, readRowWindow } from './rows.js';
export type { RowWindowRequest } from './rows.js';
export { isCategorical, logicalTypeOf, storageTypeFor } from './column-types.js';
