import { z } from 'zod';
import { RpcErrorShape } from './errors.js';

/** Wire messages shared by every transport (WebSocket, child-process IPC, Electron IPC). */
export const RequestMessage = z.object({
  type: z.literal('request'),
  id: z.number().int().nonnegative(),
  method: z.string().max(100),
  params: z.unknown(),
});
export type RequestMessage = z.infer<typeof RequestMessage>;

export const ResponseMessage = z.object({
  type: z.literal('response'),
  id: z.number().int().nonnegative(),
  result: z.union([
    z.object({ ok: z.literal(true), value: z.unknown() }),
    z.object({ ok: z.literal(false), error: RpcErrorShape }),
  ]),
});
export type ResponseMessage = z.infer<typeof ResponseMessage>;

export const EventMessage = z.object({
  type: z.literal('event'),
  name: z.string(),
  payload: z.unknown(),
});
export type EventMessage = z.infer<typeof EventMessage>;

export const ServerMessage = z.union([ResponseMessage, EventMessage]);
export type ServerMessage = z.infer<typeof ServerMessage>;
