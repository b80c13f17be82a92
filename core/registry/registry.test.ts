import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listAudit } from './audit.js';
import { openRegistry } from './database.js';
import { findVersionByImport, getProfile, listDatasets, listVersions, registerVersion } from './datasets.js';
import type { NewVersion } from './datasets.js';
import { finishJob, getJob, insertJob, markJobRunning, markOrphanedJobsInterrupted } from './jobs.js';
import { createProject, findProject, listProjects } from './projects.js';
import { useTempDir } from './test-support.js';

const sha = (c: string) => c.repeat(64);

function newVersion(projectId: string, importKey: string, snapshot: string): NewVersion {
  return {
    projectId,
    datasetName: 'credit',
    importKey,
    snapshot: { sha256: snapshot, sizeBytes: 10 },
    rowCount: 3,
    columns: [{ name: 'age', type: 'integer', storageType: 'BIGINT' }],
    source: { path: '/data/credit.csv', format: 'csv', sizeBytes: 20, sha256: sha('f') },
    warnings: [],
    profile: { rowCount: 3, columns: [] },
    actor: 'tester',
  };
}

describe('registry data access', () => {
  const tempDir = useTempDir();
  const open = () => openRegistry(path.join(tempDir(), 'orchard.db'));

  it('creates projects with unique names (case-insensitively) and audits them', () => {
    const db = open();
    const p = createProject(db, 'Credit risk', 'ana');
    expect(() => createProject(db, 'credit RISK', 'ana')).toThrow(/already exists/);
    expect(listProjects(db)).toEqual([p]);
    expect(findProject(db, 'Credit risk').id).toBe(p.id);
    expect(findProject(db, p.id).name).toBe('Credit risk');
    expect(listAudit(db)[0]).toMatchObject({ actor: 'ana', action: 'project.created', subjectId: p.id });
  });

  it('chains a dataset’s versions by parent and reuses an identical import', () => {
    const db = open();
    const p = createProject(db, 'p', 'ana');
    const v1 = registerVersion(db, newVersion(p.id, 'k1', sha('a')));
    const again = registerVersion(db, newVersion(p.id, 'k1', sha('a')));
    const v2 = registerVersion(db, newVersion(p.id, 'k2', sha('b')));
    expect(again.id).toBe(v1.id);
    expect(v1).toMatchObject({ number: 1, parentId: null });
    expect(v2).toMatchObject({ number: 2, parentId: v1.id });
    expect(listVersions(db, v1.datasetId).map((v) => v.id)).toEqual([v2.id, v1.id]);
    expect(listDatasets(db, p.id)).toMatchObject([
      { name: 'credit', versionCount: 2, latestVersionId: v2.id },
    ]);
    expect(findVersionByImport(db, p.id, 'credit', 'k2')?.id).toBe(v2.id);
    expect(getProfile(db, v2.id)).toMatchObject({ versionId: v2.id, rowCount: 3 });
  });

  it('leaves nothing behind when registering a version fails part-way', () => {
    const db = open();
    const bad = newVersion('prj_does_not_exist', 'k', sha('c'));
    expect(() => registerVersion(db, bad)).toThrow(/FOREIGN KEY/);
    expect(db.prepare('SELECT count(*) AS n FROM objects').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM datasets').get()).toEqual({ n: 0 });
  });

  it('marks jobs of a dead engine interrupted, and leaves live ones alone', () => {
    const db = open();
    const dead = insertJob(db, 'datasets.import', {}, 111);
    markJobRunning(db, dead.id);
    const live = insertJob(db, 'datasets.import', {}, 222);
    markJobRunning(db, live.id);
    const done = insertJob(db, 'datasets.import', {}, 111);
    markJobRunning(db, done.id);
    finishJob(db, done.id, { status: 'succeeded', result: {}, message: 'ok' });
    expect(markOrphanedJobsInterrupted(db, (pid) => pid === 222)).toBe(1);
    expect(getJob(db, dead.id).status).toBe('interrupted');
    expect(getJob(db, live.id).status).toBe('running');
    expect(getJob(db, done.id).status).toBe('succeeded');
  });
});
