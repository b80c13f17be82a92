import { randomBytes } from 'node:crypto';

/** Opaque ids with a readable prefix (`prj_`, `ds_`, `dsv_`, `job_`): sortable by creation time. */
export function newId(prefix: string): string {
  const time = Date.now().toString(36).padStart(9, '0');
  return `${prefix}_${time}${randomBytes(6).toString('hex')}`;
}

export function now(): string {
  return new Date().toISOString();
}
