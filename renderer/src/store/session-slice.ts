import type { ConnectionStatus } from '../api/websocket-transport.js';
import type { SliceCreator } from './types.js';

export interface UserError {
  readonly id: number;
  /** Written by the engine for people; shown whole. */
  readonly message: string;
}

export interface SessionSlice {
  connection: ConnectionStatus;
  errors: readonly UserError[];
  setConnection(status: ConnectionStatus): void;
  /** Show an error from anything thrown (RpcError, upload failure…) in the error panel. */
  reportError(error: unknown): void;
  dismissError(id: number): void;
}

let nextErrorId = 1;

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

export const createSessionSlice: SliceCreator<SessionSlice> = () => (set) => ({
  connection: 'connecting',
  errors: [],
  setConnection: (status) => set({ connection: status }),
  reportError: (error) =>
    set((state) => {
      const message = messageOf(error);
      // The same failure reported twice in a row (e.g. two grid windows) is one error to the user.
      if (state.errors.at(-1)?.message === message) return state;
      return { errors: [...state.errors, { id: nextErrorId++, message }] };
    }),
  dismissError: (id) => set((state) => ({ errors: state.errors.filter((error) => error.id !== id) })),
});
