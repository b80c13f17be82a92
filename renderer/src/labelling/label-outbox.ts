import { z } from 'zod';
import { LabelValue } from '../../../core/contract/labels.js';
import type { PendingWrite } from './label-writer.js';

/**
 * The part of the browser's `Storage` (localStorage) the outbox uses; tests pass a stand-in, the
 * page passes `localStorage`.
 */
export type OutboxStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

const keyPrefix = 'orchard.unsaved-label.v1:';

const StoredWrite = z.object({
  /** When it was made, relative to the others: writes of one item are sent again in this order. */
  order: z.number(),
  write: z.object({
    labelSetId: z.string().min(1),
    annotator: z.string().min(1),
    rowId: z.number().int().nonnegative(),
    id: z.string().min(8),
    action: z.enum(['label', 'skip', 'clear']),
    value: LabelValue.nullable(),
    undoesId: z.string().optional(),
    force: z.boolean().optional(),
    basedOnSeq: z.number().int().positive().nullable().optional(),
    undoesSeq: z.number().int().positive().optional(),
  }),
});
type StoredWrite = z.infer<typeof StoredWrite>;

/** What an earlier page of the same workspace left unsaved. */
export interface LeftUnsaved {
  /** Oldest first. */
  readonly writes: PendingWrite[];
  /** Entries that were not a write Orchard made (edited or damaged storage); they are removed. */
  readonly unreadable: number;
}

/**
 * Every label write this page made that the engine has not acknowledged, kept in the browser's
 * storage (one small entry per write, so a long outage costs no more per keypress than a short one)
 * until the engine acknowledges or refuses it. A page that closes, reloads or crashes with writes on
 * their way leaves them here, and the next page of the same workspace sends them again (`open`);
 * their ids make a write that did arrive, but whose answer was lost, store once.
 *
 * Writes made before the workspace is known (`open` not yet answered) are held in memory and stored
 * by `open`. When the browser will not store (storage full or turned off) the writes still go to the
 * engine; only this protection is missing, and `onStorageRefused` says so once.
 */
export class LabelOutbox {
  private scope: string | null = null;
  private readonly held = new Map<string, StoredWrite>();
  private nextOrder = Date.now();
  private refusedReported = false;

  constructor(
    private readonly storage: OutboxStorage | undefined,
    private readonly onStorageRefused: (error: unknown) => void = () => undefined,
  ) {}

  /**
   * Starts keeping writes under this workspace's name and returns what earlier pages left there,
   * oldest first. Calling it again (after a reconnect) returns nothing new.
   */
  open(workspace: string): LeftUnsaved {
    if (this.scope !== null) return { writes: [], unreadable: 0 };
    this.scope = `${keyPrefix}${encodeURIComponent(workspace)}:`;
    // This page's writes first, so the scan below knows them as its own.
    for (const entry of this.held.values()) this.store(entry);
    const left: StoredWrite[] = [];
    let unreadable = 0;
    for (const key of this.storedKeys()) {
      const parsed = StoredWrite.safeParse(this.parse(this.storage?.getItem(key) ?? null));
      if (!parsed.success || key !== this.keyOf(parsed.data.write.id)) {
        unreadable += 1;
        this.remove(key);
      } else if (!this.held.has(parsed.data.write.id)) {
        this.held.set(parsed.data.write.id, parsed.data);
        left.push(parsed.data);
      }
    }
    left.sort((a, b) => a.order - b.order);
    return { writes: left.map((entry) => fromStored(entry.write)), unreadable };
  }

  /** Keeps (or updates) a write until `drop`. */
  keep(write: PendingWrite): void {
    const order = this.held.get(write.id)?.order ?? this.nextOrder++;
    const entry: StoredWrite = { order, write: toStored(write) };
    this.held.set(write.id, entry);
    if (this.scope !== null) this.store(entry);
  }

  /** Forgets a write: acknowledged, refused for good, or given up by the user. */
  drop(id: string): void {
    this.held.delete(id);
    if (this.scope !== null) this.remove(this.keyOf(id));
  }

  /** Whether `open` has run: the workspace is known and earlier pages' writes were handed out. */
  get opened(): boolean {
    return this.scope !== null;
  }

  /** How many writes are kept now (this page's and any sent again). */
  get size(): number {
    return this.held.size;
  }

  private keyOf(id: string): string {
    return `${this.scope ?? ''}${id}`;
  }

  private storedKeys(): string[] {
    const keys: string[] = [];
    const storage = this.storage;
    if (storage === undefined || this.scope === null) return keys;
    try {
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i);
        if (key?.startsWith(this.scope)) keys.push(key);
      }
    } catch (error) {
      this.refused(error);
    }
    return keys;
  }

  private parse(text: string | null): unknown {
    if (text === null) return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return null;
    }
  }

  private store(entry: StoredWrite): void {
    try {
      this.storage?.setItem(this.keyOf(entry.write.id), JSON.stringify(entry));
    } catch (error) {
      this.refused(error);
    }
  }

  private remove(key: string): void {
    try {
      this.storage?.removeItem(key);
    } catch (error) {
      this.refused(error);
    }
  }

  private refused(error: unknown): void {
    if (this.refusedReported) return;
    this.refusedReported = true;
    this.onStorageRefused(error);
  }
}

function toStored(write: PendingWrite): StoredWrite['write'] {
  return {
    labelSetId: write.labelSetId,
    annotator: write.annotator,
    rowId: write.rowId,
    id: write.id,
    action: write.action,
    value: write.value,
    ...(write.undoesId !== undefined ? { undoesId: write.undoesId } : {}),
    ...(write.force === true ? { force: true } : {}),
    ...(write.basedOnSeq !== undefined ? { basedOnSeq: write.basedOnSeq } : {}),
    ...(write.undoesSeq !== undefined ? { undoesSeq: write.undoesSeq } : {}),
  };
}

function fromStored(write: StoredWrite['write']): PendingWrite {
  return { ...toStored(write), restored: true };
}
