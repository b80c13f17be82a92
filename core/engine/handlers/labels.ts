import type { Annotation } from '../../contract/index.js';
import { Labelling } from '../../labels/labelling.js';
import {
  annotationHistory,
  getLabelVersion,
  getProject,
  getVersion,
  listLabelSets,
  listLabelVersions,
} from '../../registry/index.js';
import type { EngineParts, HandlerMap } from '../parts.js';

type LabelMethods =
  | 'labels.createSet'
  | 'labels.sets'
  | 'labels.getSet'
  | 'labels.queue'
  | 'labels.items'
  | 'labels.annotate'
  | 'labels.annotateMany'
  | 'labels.progress'
  | 'labels.history'
  | 'labels.agreement'
  | 'labels.reviewQueue'
  | 'labels.review'
  | 'labels.freeze'
  | 'labels.versions'
  | 'labels.version';

/** The labelling methods; the logic lives in `core/labels`, with its caches in one `Labelling` per engine. */
export function labelHandlers(parts: EngineParts): HandlerMap<LabelMethods> {
  const labelling = new Labelling(parts);
  /** Tells every window (and the other annotators) that a set changed; `null` = reload, several changed. */
  const changed = (labelSetId: string, annotation: Annotation | null) =>
    parts.emit('labels.changed', { labelSetId, annotation });

  return {
    'labels.createSet': ({ datasetVersionId, definition }) => {
      const set = labelling.createSet(datasetVersionId, definition, parts.actor);
      changed(set.id, null);
      return set;
    },
    'labels.sets': ({ projectId, datasetVersionId }) => {
      if (projectId !== undefined) getProject(parts.db, projectId);
      if (datasetVersionId !== undefined) getVersion(parts.db, datasetVersionId);
      return listLabelSets(parts.db, { projectId, datasetVersionId });
    },
    'labels.getSet': ({ labelSetId }) => labelling.set(labelSetId),
    'labels.queue': (params) => labelling.queue(params),
    'labels.items': ({ labelSetId, annotator, rowIds }) => labelling.items(labelSetId, annotator, rowIds),
    'labels.annotate': ({ labelSetId, annotator, id, rowId, action, value, expectedSeq, undoes, force }) => {
      const result = labelling.annotate({
        labelSetId,
        annotator,
        action,
        value,
        items: [{ rowId, id, expectedSeq, undoes }],
        force,
      });
      const annotation = result.annotations[0]!;
      if (result.added > 0) changed(labelSetId, annotation);
      return { annotation, progress: result.progress };
    },
    'labels.annotateMany': ({ labelSetId, annotator, action, value, items, force }) => {
      const result = labelling.annotate({ labelSetId, annotator, action, value, items, force });
      if (result.added > 0) changed(labelSetId, null);
      return { annotations: result.annotations, progress: result.progress };
    },
    'labels.progress': ({ labelSetId, annotator }) => labelling.progress(labelSetId, annotator),
    'labels.history': ({ labelSetId, rowId }) => {
      labelling.set(labelSetId);
      return annotationHistory(parts.db, labelSetId, rowId);
    },
    'labels.agreement': ({ labelSetId }) => labelling.agreement(labelSetId),
    'labels.reviewQueue': ({ labelSetId, offset, limit, includeReviewed }) =>
      labelling.reviewQueue(labelSetId, { offset, limit, includeReviewed }),
    'labels.review': ({ labelSetId, reviewer, id, rowId, value, expectedSeq, force }) => {
      const result = labelling.annotate({
        labelSetId,
        annotator: reviewer,
        action: 'review',
        value,
        items: [{ rowId, id, expectedSeq }],
        force,
      });
      const annotation = result.annotations[0]!;
      if (result.added > 0) changed(labelSetId, annotation);
      return annotation;
    },
    'labels.freeze': async ({ labelSetId, policy }) => {
      const { version, reused } = await labelling.freeze(labelSetId, policy, parts.actor);
      if (!reused) changed(labelSetId, null);
      return version;
    },
    'labels.versions': ({ labelSetId }) => listLabelVersions(parts.db, labelSetId),
    'labels.version': ({ labelVersionId }) => getLabelVersion(parts.db, labelVersionId),
  };
}
