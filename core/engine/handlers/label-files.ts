import path from 'node:path';
import type { LabelExportFormat } from '../../contract/index.js';
import { exportFileName } from '../../labels/file-names.js';
import { checkExportable, exportAnnotations, exportLabelVersion } from '../../labels/export.js';
import { importLabels } from '../../labels/import.js';
import { getLabelSet, getLabelVersion, getVersion } from '../../registry/index.js';
import type { EngineParts, HandlerMap } from '../parts.js';
import type { CallContext } from '../types.js';

type LabelFileMethods = 'labels.export' | 'labels.exportAnnotations' | 'labels.import';

/** The folder `orchard serve` offers for download at `/api/exports/<name>`. */
export function exportsDir(workspace: string): string {
  return path.join(workspace, 'exports');
}

const extensionOf: Record<LabelExportFormat, string> = {
  csv: '.csv',
  jsonl: '.jsonl',
  imagenet: '-imagenet',
};

/**
 * Label files: export a version (CSV, JSONL, ImageNet folders), export a set's whole log for a
 * colleague to merge, and import labels. Each is a job. A caller's output path goes through its
 * path policy, as `models.predictFile` does; without one the file lands in `<workspace>/exports/`
 * under a name made only of safe characters.
 */
export function labelFileHandlers(parts: EngineParts): HandlerMap<LabelFileMethods> {
  const target = (outputPath: string | undefined, context: CallContext, defaultName: string) => {
    if (outputPath === undefined)
      return { path: path.join(exportsDir(parts.workspace), defaultName), ours: true };
    return {
      path: context.mode === 'in-process' ? path.resolve(outputPath) : context.paths.check(outputPath),
      ours: false,
    };
  };

  return {
    'labels.export': ({ labelVersionId, format, outputPath }, context) => {
      const version = getLabelVersion(parts.db, labelVersionId);
      const set = getLabelSet(parts.db, version.labelSetId);
      const datasetVersion = getVersion(parts.db, set.datasetVersionId);
      checkExportable(set, datasetVersion, format);
      const out = target(
        outputPath,
        context,
        exportFileName(`${set.name}-v${version.number}`, extensionOf[format]),
      );
      const job = parts.jobs.start(
        'labels.export',
        { labelVersionId, format, outputPath: out.path },
        async (job) => {
          const result = await exportLabelVersion(
            parts,
            { version, set, datasetVersion, format, outputPath: out.path, replaceFolder: out.ours },
            { signal: job.signal, onProgress: job.progress },
          );
          return {
            result: { ...result, labelVersionId, labelSetId: set.id },
            message: `Wrote ${result.items.toLocaleString('en-US')} ${format === 'imagenet' ? 'images' : 'labels'} of "${set.name}" v${version.number} to ${out.path}.`,
          };
        },
      );
      return { jobId: job.id };
    },
    'labels.exportAnnotations': ({ labelSetId, outputPath }, context) => {
      const set = getLabelSet(parts.db, labelSetId);
      const out = target(outputPath, context, exportFileName(`${set.name}-annotations`, '.jsonl'));
      const job = parts.jobs.start(
        'labels.exportAnnotations',
        { labelSetId, outputPath: out.path },
        async (job) => {
          const result = await exportAnnotations(parts.db, set, out.path, {
            signal: job.signal,
            onProgress: job.progress,
          });
          return {
            result: { ...result, labelSetId },
            message: `Wrote ${result.annotations.toLocaleString('en-US')} annotations of "${set.name}" to ${out.path}.`,
          };
        },
      );
      return { jobId: job.id };
    },
    'labels.import': ({ labelSetId, path: file, annotator }, context) => {
      const set = getLabelSet(parts.db, labelSetId);
      const datasetVersion = getVersion(parts.db, set.datasetVersionId);
      const source = context.paths.check(file);
      const job = parts.jobs.start('labels.import', { labelSetId, path: source, annotator }, async (job) => {
        const report = await importLabels(
          parts,
          { set, datasetVersion, file: source, annotator },
          { signal: job.signal, onProgress: job.progress },
        );
        // Every window showing the set reloads: an import may touch any item of any annotator.
        if (report.imported > 0) parts.emit('labels.changed', { labelSetId, annotation: null });
        return {
          result: { ...report, labelSetId },
          message:
            `Imported ${report.imported.toLocaleString('en-US')} labels from ${path.basename(source)}` +
            (report.alreadyPresent > 0
              ? ` (${report.alreadyPresent.toLocaleString('en-US')} already present)`
              : '') +
            (report.skippedLines > 0
              ? `; skipped ${report.skippedLines.toLocaleString('en-US')} line${report.skippedLines === 1 ? '' : 's'}.`
              : '.'),
        };
      });
      return { jobId: job.id };
    },
  };
}
