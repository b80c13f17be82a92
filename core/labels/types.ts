import type { DuckDBInstance } from '@duckdb/node-api';
import type { DatasetVersion, LabelExportFormat, LabelSet, LabelVersion } from '../contract/index.js';
import type { ObjectStore } from '../registry/index.js';

/** What label files need of the engine besides the registry: the object store and DuckDB. */
export interface LabelFileStores {
  readonly store: ObjectStore;
  readonly duck: DuckDBInstance;
}

export interface FileWorkOptions {
  readonly signal?: AbortSignal | undefined;
  /** Progress 0..1 with a short message (the job runner throttles it). */
  readonly onProgress?: ((fraction: number, message: string) => void) | undefined;
}

export interface LabelVersionExport {
  readonly version: LabelVersion;
  readonly set: LabelSet;
  readonly datasetVersion: DatasetVersion;
  readonly format: LabelExportFormat;
  readonly outputPath: string;
  /** imagenet: an existing folder may be replaced (only for our own exports/ folder). */
  readonly replaceFolder?: boolean | undefined;
}
