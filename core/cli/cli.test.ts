import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { smallCsv, writeFixture } from '../engine/test-support.js';
import { useTempDir } from '../registry/test-support.js';
import { parseColumnTypes } from './main.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const entry = `import(${JSON.stringify(path.join(repoRoot, 'core/cli/main.ts'))}).then((m) => m.runCli(process.argv))`;

function orchard(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '-e', entry, 'orchard', ...args],
      { cwd: repoRoot, env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('orchard CLI', () => {
  const tempDir = useTempDir();

  it('lists its commands in --help', async () => {
    const { code, stdout } = await orchard(['--help']);
    expect(code).toBe(0);
    for (const command of ['serve', 'projects', 'import', 'datasets', 'jobs'])
      expect(stdout).toContain(command);
  });

  it('creates a project, imports a file with a type override, and lists it', async () => {
    const dir = tempDir();
    const workspace = path.join(dir, 'ws');
    const file = writeFixture(dir, 'people.csv', smallCsv);
    expect((await orchard(['-w', workspace, 'projects', 'create', 'Credit'])).stdout).toContain(
      'Created project Credit',
    );
    const imported = await orchard([
      '-w',
      workspace,
      'import',
      file,
      '--project',
      'Credit',
      '--type',
      'id=text',
      '--json',
    ]);
    expect(imported.code).toBe(0);
    const { version } = JSON.parse(imported.stdout) as {
      version: { id: string; rowCount: number; columns: { name: string; type: string }[] };
    };
    expect(version.rowCount).toBe(5);
    expect(version.columns.find((c) => c.name === 'id')?.type).toBe('text');
    const listed = await orchard(['-w', workspace, 'datasets', 'ls', '--project', 'Credit']);
    expect(listed.stdout).toMatch(/people\s+1/);
    const profile = await orchard(['-w', workspace, 'datasets', 'profile', version.id]);
    expect(profile.stdout).toContain('5 rows');
    expect(profile.stdout).toMatch(/income\s+float\s+1/);
  });

  it('fails an import of a missing file with a message naming it and a non-zero exit', async () => {
    const dir = tempDir();
    const workspace = path.join(dir, 'ws');
    await orchard(['-w', workspace, 'projects', 'create', 'P']);
    const missing = path.join(dir, 'nope.csv');
    const result = await orchard(['-w', workspace, 'import', missing, '--project', 'P']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('nope.csv');
  });

  it('validates a version against a YAML suite, exiting 1 on a failed check, and prints a suggestion', async () => {
    const dir = tempDir();
    const workspace = path.join(dir, 'ws');
    const file = writeFixture(dir, 'people.csv', smallCsv);
    await orchard(['-w', workspace, 'projects', 'create', 'P']);
    const imported = await orchard(['-w', workspace, 'import', file, '--project', 'P', '--json']);
    const versionId = (JSON.parse(imported.stdout) as { version: { id: string } }).version.id;
    const suite = writeFixture(
      dir,
      'suite.yaml',
      [
        'name: basics',
        'checks:',
        '  - kind: range',
        '    column: age',
        '    max: 45',
        '  - kind: completeness',
        '    column: income',
        '    maxMissingShare: 0.5',
      ].join('\n'),
    );
    const failed = await orchard(['-w', workspace, 'validate', versionId, '--suite', suite]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/FAIL\s+range:age/);
    expect(failed.stdout).toContain('FAILED: 1 of 2 checks passed');
    const relaxed = writeFixture(
      dir,
      'suite.yaml',
      ['name: basics', 'checks:', '  - kind: range', '    column: age', '    max: 99'].join('\n'),
    );
    const passed = await orchard(['-w', workspace, 'validate', versionId, '--suite', relaxed, '--json']);
    expect(passed.code).toBe(0);
    expect(JSON.parse(passed.stdout)).toMatchObject({ status: 'passed' });
    const broken = writeFixture(
      dir,
      'broken.yaml',
      ['name: x', 'checks:', '  - kind: completeness', '    column: income', '    maxMissingShare: 7'].join(
        '\n',
      ),
    );
    const refused = await orchard(['-w', workspace, 'validate', versionId, '--suite', broken]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('broken.yaml');
    expect(refused.stderr).toContain('maxMissingShare');
    const suggestion = await orchard(['-w', workspace, 'suggest-suite', versionId]);
    expect(suggestion.stdout).toContain('kind: columns_present');
  });

  it('trains from a YAML config with a progress bar, lists runs and models, and predicts a file', async () => {
    const dir = tempDir();
    const workspace = path.join(dir, 'ws');
    const file = writeFixture(
      dir,
      'people.csv',
      [
        'age,income,city,bought',
        ...Array.from(
          { length: 120 },
          (_, i) =>
            `${20 + (i % 40)},${1000 + i * 13},${['Lyon', 'Paris', 'Nice'][i % 3]},${i % 40 > 19 ? 'yes' : 'no'}`,
        ),
      ].join('\n'),
    );
    await orchard(['-w', workspace, 'projects', 'create', 'P']);
    const imported = await orchard(['-w', workspace, 'import', file, '--project', 'P', '--json']);
    const versionId = (JSON.parse(imported.stdout) as { version: { id: string } }).version.id;
    const config = writeFixture(
      dir,
      'train.yaml',
      [
        `datasetVersionId: ${versionId}`,
        'target:',
        '  column: bought',
        'task: binary',
        'epochs: 3',
        'model:',
        '  kind: linear',
      ].join('\n'),
    );
    const trained = await orchard(['-w', workspace, 'train', '--config', config]);
    expect(trained.code).toBe(0);
    expect(trained.stdout).toMatch(/Trained bought linear v1/);
    expect(trained.stdout).toMatch(/backend: wasm/);
    expect(trained.stdout).toMatch(/test_accuracy: /);
    expect(trained.stderr).toMatch(/Epoch \d of 3/);
    const modelId = /model version: (\S+)/.exec(trained.stdout)?.[1] ?? '';
    expect((await orchard(['-w', workspace, 'runs', 'ls', '--project', 'P'])).stdout).toMatch(
      /succeeded\s+wasm/,
    );
    expect((await orchard(['-w', workspace, 'models', 'ls', '--project', 'P'])).stdout).toContain(modelId);
    const out = path.join(dir, 'out.csv');
    const predicted = await orchard(['-w', workspace, 'predict', modelId, file, '--out', out]);
    expect(predicted.code).toBe(0);
    expect(predicted.stdout).toContain('Wrote 120 predictions');

    const unknownKey = writeFixture(
      dir,
      'bad.yaml',
      [`datasetVersionId: ${versionId}`, 'target:', '  column: bought', 'task: binary', 'epochz: 3'].join(
        '\n',
      ),
    );
    const refused = await orchard(['-w', workspace, 'train', '--config', unknownKey]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('bad.yaml');
    expect(refused.stderr).toContain('epochz');
  });

  it('rejects a malformed --type', () => {
    expect(() => parseColumnTypes(['age=number'])).toThrow(/COLUMN=TYPE/);
    expect(parseColumnTypes(['a=b=text'])).toEqual({ 'a=b': 'text' });
  });
});
