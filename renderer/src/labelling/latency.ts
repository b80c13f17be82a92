/**
 * Keypress → next item on screen, measured in the page: from the keydown's timestamp to the frame
 * that shows the next item, i.e. the `requestAnimationFrame` callback after React committed it
 * (that frame is painted right after its callbacks). A second buffer times the same keys to the
 * first task after that frame's paint, which adds style, layout and paint (and any task that got
 * in first). Tests read both from `window.__orchardLabelLatency` / `__orchardLabelLatencyAfterPaint`;
 * people see at most a quiet "~12 ms" in a corner.
 */

export const latencyCapacity = 500;

export interface LatencyRing {
  readonly capacity: number;
  /** Oldest first. */
  samples(): number[];
  add(ms: number): void;
  clear(): void;
}

export function createLatencyRing(capacity = latencyCapacity): LatencyRing {
  const buffer = new Float64Array(capacity);
  let next = 0;
  let size = 0;
  return {
    capacity,
    samples: () => {
      const out: number[] = [];
      const start = size < capacity ? 0 : next;
      for (let i = 0; i < size; i++) out.push(buffer[(start + i) % capacity] ?? 0);
      return out;
    },
    add: (ms) => {
      buffer[next] = ms;
      next = (next + 1) % capacity;
      size = Math.min(size + 1, capacity);
    },
    clear: () => {
      next = 0;
      size = 0;
    },
  };
}

/** The q-quantile (0..1) by nearest rank; null for no samples. */
export function quantile(samples: readonly number[], q: number): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? null;
}

declare global {
  interface Window {
    /** Keypress → the frame showing the next labelling item, in ms, oldest first (tests, devtools). */
    __orchardLabelLatency?: LatencyRing;
    /** The same keys, to the first task after that frame was painted. */
    __orchardLabelLatencyAfterPaint?: LatencyRing;
  }
}

export const labelLatency: LatencyRing = createLatencyRing();
export const labelLatencyAfterPaint: LatencyRing = createLatencyRing();
if (typeof window !== 'undefined') {
  window.__orchardLabelLatency = labelLatency;
  window.__orchardLabelLatencyAfterPaint = labelLatencyAfterPaint;
}

let pendingKeyAt: number | null = null;
const listeners = new Set<(ms: number) => void>();

function record(ms: number): void {
  labelLatency.add(ms);
  for (const listener of listeners) listener(ms);
}

// A message posted from a frame callback is handled after that frame's paint (a task, not a frame).
const afterPaintQueue: (() => void)[] = [];
let afterPaintChannel: MessageChannel | null = null;
function afterPaint(callback: () => void): void {
  if (afterPaintChannel === null) {
    afterPaintChannel = new MessageChannel();
    afterPaintChannel.port1.onmessage = () => afterPaintQueue.shift()?.();
  }
  afterPaintQueue.push(callback);
  afterPaintChannel.port2.postMessage(null);
}

/** A key that will show another item was pressed (the event's own timestamp is the keydown). */
export function markKeypress(eventTimeStamp: number): void {
  pendingKeyAt = eventTimeStamp > 0 ? eventTimeStamp : performance.now();
}

/** The key did not show another item after all (e.g. a toggle): no sample. */
export function cancelKeypress(): void {
  pendingKeyAt = null;
}

/** Called from the item view's layout effect when a different item was committed. */
export function itemCommitted(): void {
  const keyAt = pendingKeyAt;
  if (keyAt === null) return;
  pendingKeyAt = null;
  requestAnimationFrame(() => {
    record(performance.now() - keyAt);
    afterPaint(() => labelLatencyAfterPaint.add(performance.now() - keyAt));
  });
}

/** Hear every new sample (the corner readout); returns a function that stops listening. */
export function onLatencySample(listener: (ms: number) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
