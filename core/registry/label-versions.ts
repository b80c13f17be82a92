import { NotFoundError } from '../contract/index.js';
import type { FreezePolicy, LabelVersion } from '../contract/index.js';
import { appendAudit } from './audit.js';
import type { RegistryDb } from './database.js';
import { newId, now } from './ids.js';
import { getLabelSet } from './labels.js';
import { registerObject } from './objects.js';

/** Media type of a frozen label version's canonical JSONL. */
export const labelVersionMediaType = 'application/jsonl';

interface LabelVersionRow {
  id: string;
  label_set_id: string;
  dataset_version_id: string;
  number: number;
  sha256: string;
  policy: FreezePolicy;
  item_count: number;
  class_counts_json: string;
  excluded_json: string;
  up_to_seq: number;
  created_by: string;
  created_at: string;
}

function toLabelVersion(row: LabelVersionRow): LabelVersion {
  return {
    id: row.id,
    labelSetId: row.label_set_id,
    datasetVersionId: row.dataset_version_id,
    number: row.number,
    sha256: row.sha256,
    policy: row.policy,
    itemCount: row.item_count,
    classCounts: JSON.parse(row.class_counts_json) as Record<string, number>,
    excluded: JSON.parse(row.excluded_json) as LabelVersion['excluded'],
    upToSeq: row.up_to_seq,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

const versionSelect = `SELECT lv.*, s.dataset_version_id FROM label_versions lv JOIN label_sets s ON s.id = lv.label_set_id`;

export function getLabelVersion(db: RegistryDb, labelVersionId: string): LabelVersion {
  const row = db.prepare(`${versionSelect} WHERE lv.id = ?`).get(labelVersionId) as
    LabelVersionRow | undefined;
  if (!row) throw new NotFoundError(`No label version with id ${labelVersionId}.`, { labelVersionId });
  return toLabelVersion(row);
}

export function listLabelVersions(db: RegistryDb, labelSetId: string): LabelVersion[] {
  getLabelSet(db, labelSetId);
  return (
    db
      .prepare(`${versionSelect} WHERE lv.label_set_id = ? ORDER BY lv.number DESC`)
      .all(labelSetId) as LabelVersionRow[]
  ).map(toLabelVersion);
}

/**
 * Registers a frozen version whose JSONL is already complete in the object store: the object row
 * and the version row land together, or neither. Content identical to the latest version (same
 * hash, same policy) returns that version instead of making a new number.
 */
export function registerLabelVersion(
  db: RegistryDb,
  input: {
    labelSetId: string;
    object: { sha256: string; sizeBytes: number };
    policy: FreezePolicy;
    itemCount: number;
    classCounts: Record<string, number>;
    excluded: LabelVersion['excluded'];
    upToSeq: number;
    actor: string;
  },
): { version: LabelVersion; reused: boolean } {
  const register = db.transaction(() => {
    const latest = db
      .prepare(`${versionSelect} WHERE lv.label_set_id = ? ORDER BY lv.number DESC LIMIT 1`)
      .get(input.labelSetId) as LabelVersionRow | undefined;
    if (latest && latest.sha256 === input.object.sha256 && latest.policy === input.policy)
      return { version: toLabelVersion(latest), reused: true };
    registerObject(db, { ...input.object, mediaType: labelVersionMediaType });
    const id = newId('lbv');
    db.prepare(
      `INSERT INTO label_versions (id, label_set_id, number, sha256, policy, item_count, class_counts_json,
         excluded_json, up_to_seq, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      input.labelSetId,
      (latest?.number ?? 0) + 1,
      input.object.sha256,
      input.policy,
      input.itemCount,
      JSON.stringify(input.classCounts),
      JSON.stringify(input.excluded),
      input.upToSeq,
      input.actor,
      now(),
    );
    appendAudit(db, {
      actor: input.actor,
      action: 'labels.version_frozen',
      subjectId: id,
      details: { labelSetId: input.labelSetId, sha256: input.object.sha256, items: input.itemCount },
    });
    return { version: getLabelVersion(db, id), reused: false };
  });
  return register.immediate();
}
