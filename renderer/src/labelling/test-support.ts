import type { OutboxStorage } from './label-outbox.js';
import type { PendingWrite } from './label-writer.js';

/**
 * localStorage's interface over a Map, for the labelling tests (vitest runs in Node, which has no localStorage).
 * One instance stands for one browser's storage, shared by the "pages" a test opens on it.
 */
export class MapStorage implements OutboxStorage {
  readonly entries = new Map<string, string>();
  /** Makes every write throw as a full browser storage does. */
  refuseWrites = false;

  get length(): number {
    return this.entries.size;
  }

  key(index: number): string | null {
    return [...this.entries.keys()][index] ?? null;
  }

  getItem(key: string): string | null {
    return this.entries.get(key) ?? null;
  }

  setItem(key: string, value: string): void {
    if (this.refuseWrites) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    this.entries.set(key, value);
  }

  removeItem(key: string): void {
    this.entries.delete(key);
  }
}

/** A label write of `id` for row `rowId` in set `lbs_1` by ana (class `a`), with `extra` over it. */
export function pendingWrite(id: string, rowId: number, extra: Partial<PendingWrite> = {}): PendingWrite {
  return {
    labelSetId: 'lbs_1',
    annotator: 'ana',
    rowId,
    id,
    action: 'label',
    value: { classes: ['a'] },
    ...extra,
  };
}
