import { z } from 'zod';

/** The closed set of error codes any contract method may answer with. */
export const errorCodes = [
  'not_found',
  'invalid_input',
  'conflict',
  'forbidden',
  'gate_failed',
  'cancelled',
  'unauthorized',
  'internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export const RpcErrorShape = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type RpcErrorShape = z.infer<typeof RpcErrorShape>;

/** What every response carries: a value, or an error that says what was wrong. */
export type RpcResult<T> = { ok: true; value: T } | { ok: false; error: RpcErrorShape };

/** Base of every error Orchard raises on purpose; `code` reaches the caller unchanged. */
export class OrchardError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'OrchardError';
    this.code = code;
    this.details = details;
  }

  toShape(): RpcErrorShape {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: { ...this.details } };
  }
}

export class NotFoundError extends OrchardError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('not_found', message, details);
    this.name = 'NotFoundError';
  }
}

export class InvalidInputError extends OrchardError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('invalid_input', message, details);
    this.name = 'InvalidInputError';
  }
}

export class ConflictError extends OrchardError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('conflict', message, details);
    this.name = 'ConflictError';
  }
}

export class ForbiddenError extends OrchardError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('forbidden', message, details);
    this.name = 'ForbiddenError';
  }
}

export class CancelledError extends OrchardError {
  constructor(message = 'The job was cancelled.') {
    super('cancelled', message);
    this.name = 'CancelledError';
  }
}

/** Turns anything thrown into the wire shape; unknown errors become `internal` without leaking stacks. */
export function toErrorShape(error: unknown): RpcErrorShape {
  if (error instanceof OrchardError) return error.toShape();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `Internal error: ${message}` };
}
