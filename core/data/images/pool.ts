import { CancelledError } from '../../contract/errors.js';

/**
 * Runs `work` on every item with at most `concurrency` in flight, in item order. On the first
 * failure (or an abort) no new item starts; the ones in flight finish, then the error is thrown,
 * so nothing keeps writing after the caller has moved on to clean up.
 */
export async function forEachBounded<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      if (signal?.aborted === true) {
        failure = { error: new CancelledError('The import was cancelled.') };
        return;
      }
      const index = next;
      next += 1;
      try {
        await work(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
  if (failure !== undefined) throw failure.error;
  if (signal?.aborted === true) throw new CancelledError('The import was cancelled.');
}
