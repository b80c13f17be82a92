import type { CheckResult } from '../../contract/validation.js';

/** A check's result before its id, kind and severity are attached. */
export type Outcome = Omit<CheckResult, 'checkId' | 'kind' | 'severity'>;

/** A check that could not run: it fails, and `error` says why. */
export function errorOutcome(message: string): Outcome {
  return {
    passed: false,
    observed: 'could not run',
    observedValue: null,
    failingRows: 0,
    exampleRowIds: [],
    error: message,
  };
}

/** A DuckDB error's first line, without the `… Error: ` prefix. */
export function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n').find((part) => part.trim().length > 0) ?? message;
  return line.replace(/^[A-Za-z ]+ Error: /, '').trim();
}
