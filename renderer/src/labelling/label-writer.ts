import { RpcError } from '../../../core/contract/client.js';
import type { OrchardApi } from '../../../core/contract/client.js';
import { Annotation } from '../../../core/contract/labels.js';
import type { LabelItem, LabelProgress, LabelValue } from '../../../core/contract/labels.js';
import type { WriteAction } from './session-model.js';

/** One annotation on its way to the engine. */
export interface PendingWrite {
  readonly labelSetId: string;
  readonly annotator: string;
  readonly rowId: number;
  /** Made here, so sending it again (a retry) stores it once. */
  readonly id: string;
  readonly action: WriteAction;
  readonly value: LabelValue | null;
  /** The write this one undoes, by id: its seq is known only once that one was acknowledged. */
  readonly undoesId?: string;
  readonly force?: boolean;
}

/** What became of a write; the store turns these into what the view shows. */
export interface LabelWriterEvents {
  sending(write: PendingWrite): void;
  acknowledged(write: PendingWrite, annotation: Annotation, progress: LabelProgress): void;
  /** The item changed elsewhere since this page saw it; `theirs` is its annotation now. */
  conflicted(write: PendingWrite, theirs: Annotation | null): void;
  /** Refused for good (e.g. the set is gone). */
  refused(write: PendingWrite, error: unknown): void;
  /** The engine could not be reached; the write is kept for `retryFailed`. */
  unreachable(write: PendingWrite): void;
  settled(write: PendingWrite): void;
}

/**
 * Sends annotations one item at a time, in order: each write of an item waits for the one before
 * it, so it carries the seq that one got as its `expectedSeq` (the engine's guard against silent
 * overwrites). Writes of different items go out at once.
 */
export class LabelWriter {
  // The seq of each annotator's latest annotation per item as this page knows it.
  private readonly knownSeq = new Map<string, number>();
  private readonly seqById = new Map<string, number>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly sentHere = new Set<string>();
  private readonly failed = new Map<string, PendingWrite>();
  private readonly conflicts = new Map<string, PendingWrite>();

  constructor(
    private readonly api: OrchardApi,
    private readonly events: LabelWriterEvents,
  ) {}

  private key(labelSetId: string, annotator: string, rowId: number): string {
    return JSON.stringify([labelSetId, annotator, rowId]);
  }

  /** Remember an annotation seen (a fetched item, another window's write), if it is newer. */
  saw(labelSetId: string, annotation: Annotation): void {
    const key = this.key(labelSetId, annotation.annotator, annotation.rowId);
    if (annotation.seq > (this.knownSeq.get(key) ?? 0)) this.knownSeq.set(key, annotation.seq);
  }

  learn(labelSetId: string, items: readonly LabelItem[]): void {
    for (const item of items) if (item.current) this.saw(labelSetId, item.current);
  }

  expectedSeq(labelSetId: string, annotator: string, rowId: number): number | null {
    return this.knownSeq.get(this.key(labelSetId, annotator, rowId)) ?? null;
  }

  /** Ids this page made: their `labels.changed` echoes are not news. */
  claim(id: string): void {
    this.sentHere.add(id);
  }

  isOwn(id: string): boolean {
    return this.sentHere.has(id);
  }

  get failedCount(): number {
    return this.failed.size;
  }

  send(write: PendingWrite): void {
    const key = this.key(write.labelSetId, write.annotator, write.rowId);
    this.claim(write.id);
    this.events.sending(write);
    const next = (this.chains.get(key) ?? Promise.resolve()).then(() => this.deliver(write, key));
    this.chains.set(key, next);
    void next.then(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  private async deliver(write: PendingWrite, key: string): Promise<void> {
    const undoes = write.undoesId !== undefined ? this.seqById.get(write.undoesId) : undefined;
    try {
      const { annotation, progress } = await this.api.labels.annotate({
        labelSetId: write.labelSetId,
        annotator: write.annotator,
        id: write.id,
        rowId: write.rowId,
        action: write.action,
        ...(write.value !== null ? { value: write.value } : {}),
        expectedSeq: this.knownSeq.get(key) ?? null,
        ...(undoes !== undefined ? { undoes } : {}),
        ...(write.force ? { force: true } : {}),
      });
      this.knownSeq.set(key, annotation.seq);
      this.seqById.set(write.id, annotation.seq);
      this.events.acknowledged(write, annotation, progress);
    } catch (error) {
      this.fail(write, key, error);
    } finally {
      this.events.settled(write);
    }
  }

  private fail(write: PendingWrite, key: string, error: unknown): void {
    if (error instanceof RpcError && error.code === 'conflict') {
      const parsed = Annotation.safeParse(error.details?.['current']);
      const theirs = parsed.success ? parsed.data : null;
      if (theirs) this.knownSeq.set(key, theirs.seq);
      this.conflicts.set(write.id, write);
      this.events.conflicted(write, theirs);
    } else if (error instanceof RpcError && error.code !== 'internal') {
      this.events.refused(write, error);
    } else {
      this.failed.set(write.id, write);
      this.events.unreachable(write);
    }
  }

  /** Sends every write that could not reach the engine again; returns them. */
  retryFailed(): PendingWrite[] {
    const writes = [...this.failed.values()];
    this.failed.clear();
    for (const write of writes) this.send(write);
    return writes;
  }

  /** Drops a write that never reached the engine (failed or in conflict); false when it did reach it. */
  forget(id: string): boolean {
    return this.failed.delete(id) || this.conflicts.delete(id);
  }

  /** The write in conflict with this id, no longer waiting. */
  takeConflict(id: string): PendingWrite | undefined {
    const write = this.conflicts.get(id);
    this.conflicts.delete(id);
    return write;
  }
}
