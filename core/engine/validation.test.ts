import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OrchardApi, SuiteDefinition } from '../contract/index.js';
import { listAudit, openRegistry } from '../registry/index.js';
import { smallCsv, useTestEngine, waitForJob, writeFixture } from './test-support.js';

describe('validation through the engine', () => {
  const openTestEngine = useTestEngine();
  async function setup() {
    const { api, dir, workspace, importPath } = await openTestEngine();
    const importFile = (name: string, content: string) => importPath(writeFixture(dir, name, content));
    return { api, importFile, workspace };
  }

  async function runSuite(api: OrchardApi, versionId: string, suiteVersionId: string) {
    const job = await waitForJob(api, (await api.validation.run({ versionId, suiteVersionId })).jobId);
    expect(job.status).toBe('succeeded');
    return api.validation.getRun({ runId: String(job.result?.['runId']) });
  }

  const ageSuite = (maxAge: number): SuiteDefinition => ({
    name: 'basics',
    checks: [
      { kind: 'columns_present', columns: ['id', 'age', 'city'], severity: 'error' },
      { kind: 'range', column: 'age', min: 18, max: maxAge, severity: 'error' },
      { kind: 'completeness', column: 'income', maxMissingShare: 0.5, severity: 'error' },
    ],
  });

  it('versions a suite, runs every check, and shows the latest status per version', async () => {
    const { api, importFile } = await setup();
    const version = await importFile('people.csv', smallCsv);
    const suite = await api.validation.saveSuite({ datasetId: version.datasetId, definition: ageSuite(45) });
    expect(suite.latestVersion.number).toBe(1);
    const same = await api.validation.saveSuite({
      datasetId: version.datasetId,
      definition: ageSuite(45),
      suiteId: suite.id,
    });
    expect(same.latestVersion.id).toBe(suite.latestVersion.id);
    const edited = await api.validation.saveSuite({
      datasetId: version.datasetId,
      definition: ageSuite(60),
      suiteId: suite.id,
    });
    expect(edited.latestVersion.number).toBe(2);
    await expect(
      api.validation.saveSuite({ datasetId: version.datasetId, definition: ageSuite(45) }),
    ).rejects.toMatchObject({
      code: 'conflict',
    });

    const failed = await runSuite(api, version.id, suite.latestVersion.id);
    expect(failed.status).toBe('failed');
    expect(failed.results).toHaveLength(3);
    const range = failed.results.find((r) => r.kind === 'range');
    expect(range).toMatchObject({ passed: false, failingRows: 1, exampleRowIds: [2] });
    const passed = await runSuite(api, version.id, edited.latestVersion.id);
    expect(passed.status).toBe('passed');

    expect(await api.validation.status({ datasetId: version.datasetId })).toMatchObject([
      { versionId: version.id, runId: passed.id, status: 'passed' },
    ]);
    expect((await api.validation.runs({ versionId: version.id })).map((r) => r.id)).toEqual([
      passed.id,
      failed.id,
    ]);
  });

  it('refuses a suite naming a missing column before anything runs', async () => {
    const { api, importFile } = await setup();
    const version = await importFile('people.csv', smallCsv);
    const suite = await api.validation.saveSuite({
      datasetId: version.datasetId,
      definition: {
        name: 'bad',
        checks: [{ kind: 'completeness', column: 'salary', maxMissingShare: 0.1, severity: 'error' }],
      },
    });
    await expect(
      api.validation.run({ versionId: version.id, suiteVersionId: suite.latestVersion.id }),
    ).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('salary'),
    });
    expect(await api.validation.runs({ versionId: version.id })).toEqual([]);
  });

  it('suggests a suite that passes on its own version', async () => {
    const { api, importFile } = await setup();
    const version = await importFile('people.csv', smallCsv);
    const definition = await api.validation.suggest({ versionId: version.id });
    expect(definition.checks.length).toBeGreaterThan(3);
    const suite = await api.validation.saveSuite({ datasetId: version.datasetId, definition });
    expect((await runSuite(api, version.id, suite.latestVersion.id)).status).toBe('passed');
  });

  it('gates training on a required suite, runs it when needed, and audits an override', async () => {
    const { api, importFile, workspace } = await setup();
    const version = await importFile('people.csv', smallCsv);
    const suite = await api.validation.saveSuite({ datasetId: version.datasetId, definition: ageSuite(45) });
    expect(await api.validation.gate({ versionId: version.id })).toMatchObject({
      allowed: true,
      overridden: false,
      suites: [],
    });
    await api.validation.setRequired({ suiteId: suite.id, required: true });
    // Never run on this version: the gate runs it, it fails, training is refused.
    await expect(api.validation.gate({ versionId: version.id })).rejects.toMatchObject({
      code: 'gate_failed',
      message: expect.stringContaining('"basics"'),
    });
    expect((await api.validation.runs({ versionId: version.id }))[0]?.status).toBe('failed');
    const overridden = await api.validation.gate({
      versionId: version.id,
      override: { reason: 'ages above 45 are known-good' },
    });
    expect(overridden).toMatchObject({ allowed: true, overridden: true, suites: [{ status: 'failed' }] });
    const registry = openRegistry(path.join(workspace, 'orchard.db'));
    const audit = listAudit(registry).find((entry) => entry.action === 'validation.gate_overridden');
    registry.close();
    expect(audit).toMatchObject({
      actor: 'tester',
      subjectId: version.id,
      details: { reason: 'ages above 45 are known-good' },
    });
    const fixed = await api.validation.saveSuite({
      datasetId: version.datasetId,
      definition: ageSuite(99),
      suiteId: suite.id,
    });
    expect(fixed.required).toBe(true);
    expect(await api.validation.gate({ versionId: version.id })).toMatchObject({
      overridden: false,
      suites: [{ status: 'passed' }],
    });
  });

  it('finds rows and ids shared by two versions', async () => {
    const { api, importFile } = await setup();
    const train = await importFile('train.csv', smallCsv);
    const test = await importFile(
      'test.csv',
      ['id,age,city,income,joined', '3,51,Lyon,61000,2023-12-30', '9,20,Metz,1000,2024-05-05'].join('\n'),
    );
    const report = await api.validation.leakage({
      leftVersionId: train.id,
      rightVersionId: test.id,
      idColumn: 'id',
    });
    expect(report).toMatchObject({ identicalRows: 1, sharedIds: 1, idColumn: 'id' });
  });
});
