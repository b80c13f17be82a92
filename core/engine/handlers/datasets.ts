import { inspectFile } from '../../data/inspect.js';
import { readRowWindow } from '../../data/rows.js';
import { getProfile, getProject, getVersion, listDatasets, listVersions } from '../../registry/index.js';
import { importDataset } from '../dataset-import.js';
import type { EngineParts, HandlerMap } from '../parts.js';

type DatasetMethods =
  | 'datasets.inspect'
  | 'datasets.import'
  | 'datasets.list'
  | 'datasets.versions'
  | 'datasets.version'
  | 'datasets.profile'
  | 'datasets.rows';

export function datasetHandlers(parts: EngineParts): HandlerMap<DatasetMethods> {
  return {
    'datasets.inspect': ({ path, options }, context) =>
      inspectFile(context.paths.check(path), options, parts.duck),
    'datasets.import': ({ projectId, path, datasetName, options }, context) => {
      const project = getProject(parts.db, projectId);
      const sourcePath = context.paths.check(path);
      const job = parts.jobs.start(
        'datasets.import',
        { projectId, path: sourcePath, datasetName, options },
        (job) => importDataset(parts, { project, sourcePath, datasetName, options }, job),
      );
      return { jobId: job.id };
    },
    'datasets.list': ({ projectId }) => {
      getProject(parts.db, projectId);
      return listDatasets(parts.db, projectId);
    },
    'datasets.versions': ({ datasetId }) => listVersions(parts.db, datasetId),
    'datasets.version': ({ versionId }) => getVersion(parts.db, versionId),
    'datasets.profile': ({ versionId }) => getProfile(parts.db, versionId),
    'datasets.rows': ({ versionId, ...window }) => {
      const version = getVersion(parts.db, versionId);
      return readRowWindow(parts.duck, parts.store.pathOf(version.snapshotSha256), version.columns, window);
    },
  };
}
