import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { InvalidInputError } from '../contract/index.js';
import type { FreezePolicy, LabelSet, LabelVersion } from '../contract/index.js';
import type { ObjectStore, RegistryDb } from '../registry/index.js';
import { registerLabelVersion } from '../registry/index.js';
import { currentLabelsOf } from './label-state.js';
import type { CurrentLabels } from './label-state.js';
import { classCounts, frozenLine, settleLabels } from './settle.js';

/** Lines are written in blocks of about this many characters, not one write per line. */
const blockChars = 1 << 20;

/**
 * Freezes a label set: settles every item under the policy, writes the canonical JSONL (sorted by
 * row id) to staging, lets the object store hash, fsync and rename it into place, and only then
 * registers the object and the version in one transaction, so a version never points at a partial
 * file. Identical content to the latest version returns that version (`reused`).
 */
export async function freezeLabelSet(
  deps: { db: RegistryDb; store: ObjectStore },
  set: LabelSet,
  policy: FreezePolicy,
  actor: string,
  /** The current labels (the engine passes its cached state); read from the registry when absent. */
  current: CurrentLabels = currentLabelsOf(deps.db, set),
): Promise<{ version: LabelVersion; reused: boolean }> {
  const settled = settleLabels(set, current.table, current.reviews, policy);
  const excluded = { unlabelled: set.itemCount - settled.touched, unresolved: settled.unresolved };
  if (settled.labels.length === 0) {
    throw new InvalidInputError(
      `Nothing to freeze in "${set.name}": no item has a settled label under the ${policy} policy ` +
        `(${excluded.unlabelled} unlabelled, ${excluded.unresolved} unresolved). ` +
        (excluded.unresolved > 0
          ? 'Review the disagreements, or freeze with the majority policy.'
          : 'Label some items first.'),
      { excluded },
    );
  }
  const staged = deps.store.stagingPath('.jsonl');
  try {
    const out = createWriteStream(staged);
    let block = '';
    for (const [rowId, value] of settled.labels) {
      block += frozenLine(set, rowId, value);
      if (block.length >= blockChars) {
        if (!out.write(block)) await once(out, 'drain');
        block = '';
      }
    }
    out.end(block);
    await once(out, 'finish');
    const stored = await deps.store.commit(staged);
    return registerLabelVersion(deps.db, {
      labelSetId: set.id,
      object: { sha256: stored.sha256, sizeBytes: stored.sizeBytes },
      policy,
      itemCount: settled.labels.length,
      classCounts: classCounts(set, settled.labels),
      excluded,
      upToSeq: current.upToSeq,
      actor,
    });
  } finally {
    await rm(staged, { force: true });
  }
}
