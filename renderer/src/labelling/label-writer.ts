import { RpcError } from '../../../core/contract/client.js';
import type { OrchardApi } from '../../../core/contract/client.js';
import { Annotation } from '../../../core/contract/labels.js';
import type { LabelItem, LabelProgress, LabelValue } from '../../../core/contract/labels.js';
import type { LabelOutbox } from './label-outbox.js';
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
  /**
   * The item's seq the write was made against (kept with it in the outbox): what it expects when it
   * is sent again by a later page, which knows nothing of this page's writes.
   */
  readonly basedOnSeq?: number | null;
  /** The seq of the write this one undoes, once known (kept with it in the outbox). */
  readonly undoesSeq?: number;
  /** Left unsaved by an earlier page and sent again by this one (see `LabelOutbox`). */
  readonly restored?: boolean;
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
  // Items with a write acknowledged in this page: from then on this page's knowledge is the newest.
  private readonly acknowledgedHere = new Set<string>();

  /** `outbox` keeps each write until the engine acknowledges or refuses it (see `LabelOutbox`). */
  constructor(
    private readonly api: OrchardApi,
    private readonly events: LabelWriterEvents,
    private readonly outbox?: LabelOutbox,
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

  /** Sends a write after the item's earlier ones; resolves once it is settled (whatever became of it). */
  send(write: PendingWrite): Promise<void> {
    const key = this.key(write.labelSetId, write.annotator, write.rowId);
    this.claim(write.id);
    const kept = write.restored === true ? write : this.withKnownSeqs(write, key);
    this.outbox?.keep(kept);
    this.events.sending(write);
    const next = (this.chains.get(key) ?? Promise.resolve()).then(() => this.deliver(kept, key));
    this.chains.set(key, next);
    void next.then(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
    return next;
  }

  /** The write with what this page knows now of the seqs it will send (see `PendingWrite.basedOnSeq`). */
  private withKnownSeqs(write: PendingWrite, key: string): PendingWrite {
    const undoesSeq = write.undoesId !== undefined ? this.seqById.get(write.undoesId) : undefined;
    return {
      ...write,
      basedOnSeq: this.knownSeq.get(key) ?? null,
      ...(undoesSeq !== undefined ? { undoesSeq } : {}),
    };
  }

  /**
   * The seq a write expects: what this page knows of the item, except for a write an earlier page left
   * before any write of that item is acknowledged here, which expects what that page knew (a fetched
   * queue may show a newer annotation, made elsewhere since, that it must not silently overwrite).
   */
  private expectedFor(write: PendingWrite, key: string): number | null {
    if (write.restored === true && !this.acknowledgedHere.has(key)) return write.basedOnSeq ?? null;
    return this.knownSeq.get(key) ?? null;
  }

  private async deliver(write: PendingWrite, key: string): Promise<void> {
    const undoes =
      (write.undoesId !== undefined ? this.seqById.get(write.undoesId) : undefined) ?? write.undoesSeq;
    const expectedSeq = this.expectedFor(write, key);
    // What is sent now is what a later page must send again if this one closes before the answer;
    // it differs from what `send` kept only when an earlier write of the item was answered meanwhile.
    if (expectedSeq !== (write.basedOnSeq ?? null) || undoes !== write.undoesSeq)
      this.outbox?.keep({
        ...write,
        basedOnSeq: expectedSeq,
        ...(undoes !== undefined ? { undoesSeq: undoes } : {}),
      });
    try {
      const { annotation, progress } = await this.api.labels.annotate({
        labelSetId: write.labelSetId,
        annotator: write.annotator,
        id: write.id,
        rowId: write.rowId,
        action: write.action,
        ...(write.value !== null ? { value: write.value } : {}),
        expectedSeq,
        ...(undoes !== undefined ? { undoes } : {}),
        ...(write.force ? { force: true } : {}),
      });
      this.knownSeq.set(key, annotation.seq);
      this.seqById.set(write.id, annotation.seq);
      this.acknowledgedHere.add(key);
      this.outbox?.drop(write.id);
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
      this.outbox?.drop(write.id);
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
    const forgotten = this.failed.delete(id) || this.conflicts.delete(id);
    if (forgotten) this.outbox?.drop(id);
    return forgotten;
  }

  /** Gives up a write taken out of conflict (`takeConflict`): the user kept the other label. */
  discard(id: string): void {
    this.outbox?.drop(id);
  }

  /** The write in conflict with this id, no longer waiting. */
  takeConflict(id: string): PendingWrite | undefined {
    const write = this.conflicts.get(id);
    this.conflicts.delete(id);
    return write;
  }
}
