import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { OrchardError } from '../contract/index.js';
import type { DatasetVersion, LabelVersion } from '../contract/index.js';
import type { FrozenLabel } from './label-values.js';
import { imageRows } from './snapshot-rows.js';
import type { ImageRow } from './snapshot-rows.js';
import type { LabelFileStores } from './types.js';

export interface FrozenLine {
  readonly rowId: number;
  readonly label: FrozenLabel;
}

/** The frozen `{"row_id":N,"label":…}` lines of a label version, streamed from the object store. */
export async function* frozenLines(
  parts: LabelFileStores,
  version: LabelVersion,
): AsyncGenerator<FrozenLine> {
  const input = createReadStream(parts.store.pathOf(version.sha256), { encoding: 'utf8' });
  try {
    for await (const text of createInterface({ input, crlfDelay: Infinity })) {
      if (text === '') continue;
      const { row_id: rowId, label } = JSON.parse(text) as { row_id: number; label: FrozenLabel };
      yield { rowId, label };
    }
  } finally {
    input.destroy();
  }
}

/**
 * Walks the version's images alongside the frozen lines (both in row id order), so an image
 * dataset of any size is joined without holding its paths in memory.
 */
export async function* withImages(
  parts: LabelFileStores,
  lines: AsyncIterable<FrozenLine>,
  datasetVersion: DatasetVersion,
): AsyncGenerator<FrozenLine & { readonly image: ImageRow }> {
  const images = imageRows(parts, datasetVersion);
  try {
    let next = await images.next();
    for await (const line of lines) {
      while (!next.done && next.value.rowId < line.rowId) next = await images.next();
      if (next.done || next.value.rowId !== line.rowId)
        throw new OrchardError(
          'internal',
          `Row ${line.rowId} of the label version is not in dataset version ${datasetVersion.id}: the registry is inconsistent.`,
        );
      yield { ...line, image: next.value };
    }
  } finally {
    await images.return(undefined);
  }
}
