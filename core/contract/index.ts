export * from './errors.js';
export * from './schemas.js';
export * from './methods.js';
export * from './events.js';
export * from './protocol.js';
export * from './client.js';
export type * from './bridge.js';
export * from './validation.js';
export * from './training.js';
