export * from './database.js';
export * from './audit.js';
export * from './projects.js';
export * from './datasets.js';
export * from './objects.js';
export * from './jobs.js';
export * from './object-store.js';
export * from './validation.js';
