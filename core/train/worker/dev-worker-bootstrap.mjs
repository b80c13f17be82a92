// Running from TypeScript sources (tsx, vitest): a worker thread does not inherit tsx's loader, so
// this bootstrap registers it in the worker before loading the worker's .ts entry. Built code
// (dist/) starts training-worker.js directly and never uses this file.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
