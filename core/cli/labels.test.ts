import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { LabelSet } from '../contract/index.js';
import { writeFixture } from '../engine/test-support.js';
import { useTempDir } from '../registry/test-support.js';
import {
  definitionFromOptions,
  formatImportReport,
  parseScoreRange,
  resolveAnnotator,
} from './label-options.js';

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
      { cwd: repoRoot, env: { ...process.env, ORCHARD_ANNOTATOR: '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const petsCsv = ['name,notes', ...['Tom', 'Rex', 'Kitty', 'Fido'].map((n) => `${n},a pet called ${n}`)].join(
  '\n',
);

describe('orchard labels', () => {
  const tempDir = useTempDir();

  async function workspaceWithSet() {
    const dir = tempDir();
    const ws = ['-w', path.join(dir, 'ws')];
    await orchard([...ws, 'projects', 'create', 'Pets']);
    const imported = await orchard([
      ...ws,
      'import',
      writeFixture(dir, 'pets.csv', petsCsv),
      '-p',
      'Pets',
      '--json',
    ]);
    const versionId = (JSON.parse(imported.stdout) as { version: { id: string } }).version.id;
    const created = await orchard([
      ...ws,
      'labels',
      'create',
      versionId,
      '--name',
      'animals',
      '--task',
      'single',
      '--classes',
      'cat,dog',
      '--hotkeys',
      'c,d',
      '--instructions',
      'Which animal?',
      '--json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const set = JSON.parse(created.stdout) as LabelSet;
    return { dir, ws, versionId, set };
  }

  it('creates, lists, imports, shows progress and agreement, freezes and exports', async () => {
    const { dir, ws, versionId, set } = await workspaceWithSet();
    expect(set.classes).toEqual([
      { name: 'cat', color: '#4e79a7', hotkey: 'c' },
      { name: 'dog', color: '#f28e2b', hotkey: 'd' },
    ]);
    const listed = await orchard([...ws, 'labels', 'ls', '--project', 'Pets']);
    expect(listed.stdout).toMatch(
      new RegExp(`${set.id}\\s+animals\\s+single\\s+cat, dog\\s+4\\s+${versionId}`),
    );
    expect((await orchard([...ws, 'labels', 'ls', '--version', versionId, '--json'])).stdout).toContain(
      set.id,
    );

    // Nothing labelled yet: nothing to freeze. A file without the header columns imports nothing.
    expect((await orchard([...ws, 'labels', 'freeze', set.id])).code).toBe(2);
    const header = await orchard([
      ...ws,
      'labels',
      'import',
      set.id,
      writeFixture(dir, 'wrong.csv', 'id,class\n0,cat\n'),
    ]);
    expect(header.code).toBe(2);
    expect(header.stderr).toContain('wrong.csv: the header has no `row_id` column');

    const ana = writeFixture(dir, 'ana.csv', 'row_id,label\n0,cat\n1,dog\n2,kat\n3,dog\n9,cat\n');
    const imported = await orchard([...ws, 'labels', 'import', set.id, ana], { ORCHARD_ANNOTATOR: 'ana' });
    // Skipped lines are listed and make the exit code 1.
    expect(imported.code).toBe(1);
    expect(imported.stdout).toContain('Imported 3 labels from ana.csv; skipped 2 lines.');
    expect(imported.stdout).toContain('line 4: class `kat` is not in the label set (cat, dog)');
    expect(imported.stdout).toContain('line 6: row 9 is not an item (the set has 4: 0–3)');
    const ben = writeFixture(dir, 'ben.csv', 'row_id,label\n0,cat\n1,cat\n3,dog\n');
    const second = await orchard([...ws, 'labels', 'import', set.id, ben, '--annotator', 'ben', '--json']);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ imported: 3, alreadyPresent: 0, invalid: [] });

    const progress = await orchard([...ws, 'labels', 'progress', set.id, '--annotator', 'ana']);
    expect(progress.stdout).toContain('"animals" (ana): 3 of 4 items labelled (75.0%), 0 skipped');
    expect(progress.stdout).toMatch(/dog\s+2/);
    const agreement = await orchard([...ws, 'labels', 'agreement', set.id, '--json']);
    expect(JSON.parse(agreement.stdout)).toMatchObject({ annotators: ['ana', 'ben'], itemsCompared: 3 });
    const text = await orchard([...ws, 'labels', 'agreement', set.id]);
    expect(text.stdout).toContain('percent agreement: 66.7%');

    const frozen = await orchard([...ws, 'labels', 'freeze', set.id, '--policy', 'agreed']);
    expect(frozen.code, frozen.stderr).toBe(0);
    expect(frozen.stdout).toMatch(/"animals" v1 \(lbv_\w+\): 2 items, policy agreed/);
    expect(frozen.stdout).toContain('left out: 1 unlabelled, 1 unresolved');
    const versions = await orchard([...ws, 'labels', 'versions', set.id, '--json']);
    const [version] = JSON.parse(versions.stdout) as { id: string }[];
    const out = path.join(dir, 'labels.csv');
    const exported = await orchard([...ws, 'labels', 'export', version!.id, '--format', 'csv', '--out', out]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain(`to ${out}`);
    expect(readFileSync(out, 'utf8')).toBe('row_id,label\n0,cat\n3,dog\n');
    const merged = path.join(dir, 'all.jsonl');
    expect((await orchard([...ws, 'labels', 'export-annotations', set.id, '--out', merged])).code).toBe(0);
    expect(readFileSync(merged, 'utf8').trimEnd().split('\n')).toHaveLength(6);
  }, 300_000);

  it('exits 2 with a message naming the flag or the thing that was wrong', async () => {
    const ws = ['-w', path.join(tempDir(), 'ws')];
    const hotkeys = await orchard([
      ...ws,
      'labels',
      'create',
      'dsv_x',
      '-n',
      'x',
      '--classes',
      'a,b,c',
      '--hotkeys',
      '1,2',
    ]);
    expect(hotkeys.code).toBe(2);
    expect(hotkeys.stderr).toContain('--hotkeys gives 2 keys for 3 classes');
    const neither = await orchard([...ws, 'labels', 'ls']);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('Give either --project or --version');
    const missingVersion = await orchard([...ws, 'labels', 'export', 'lbv_missing', '--format', 'imagenet']);
    expect(missingVersion.code).toBe(2);
    expect(missingVersion.stderr).toContain('lbv_missing');
  }, 120_000);
});

describe('labels command helpers', () => {
  const saved = process.env['ORCHARD_ANNOTATOR'];
  afterEach(() => {
    if (saved === undefined) delete process.env['ORCHARD_ANNOTATOR'];
    else process.env['ORCHARD_ANNOTATOR'] = saved;
  });

  it('takes the annotator from the flag, else $ORCHARD_ANNOTATOR, else the OS user', () => {
    process.env['ORCHARD_ANNOTATOR'] = 'env-name';
    expect(resolveAnnotator(' flag ')).toBe('flag');
    expect(resolveAnnotator(undefined)).toBe('env-name');
    process.env['ORCHARD_ANNOTATOR'] = '';
    expect(resolveAnnotator(undefined)).toMatch(/\S/);
  });

  it('builds definitions from flags and says which flag is wrong', () => {
    expect(definitionFromOptions({ name: 'q', task: 'score', scoreRange: '0:1:0.1' })).toEqual({
      name: 'q',
      task: 'score',
      score: { min: 0, max: 1, step: 0.1 },
    });
    expect(parseScoreRange('1:5')).toEqual({ min: 1, max: 5 });
    expect(() => parseScoreRange('1-5')).toThrow(/--score-range 1-5: expected MIN:MAX/);
    expect(() => definitionFromOptions({ name: 'q', task: 'score' })).toThrow(/needs --score-range/);
    expect(() => definitionFromOptions({ name: 'q', task: 'single', classes: 'a' })).toThrow(/at least 2/);
    expect(() => definitionFromOptions({ name: 'q', task: 'bag', classes: 'a,b' })).toThrow(/--task bag/);
    const many = definitionFromOptions({
      name: 'q',
      task: 'multi',
      classes: Array.from({ length: 12 }, (_, i) => `c${i}`).join(','),
    });
    expect(many.classes?.map((c) => c.hotkey)).toEqual([...'1234567890ab']);
    expect(many.classes?.[10]?.color).toBe('#4e79a7');
  });

  it('lists skipped lines in file order and counts those not listed', () => {
    const set = { classes: [{ name: 'cat' }, { name: 'dog' }], itemCount: 10 } as LabelSet;
    const text = formatImportReport(
      {
        imported: 1,
        alreadyPresent: 0,
        unknownClasses: [{ line: 9, value: 'kat' }],
        unknownRows: [
          { line: 3, rowId: '12' },
          { line: 4, rowId: 'x/y.png' },
        ],
        invalid: [{ line: 2, message: 'not valid JSON' }],
        skippedLines: 6,
      },
      set,
    );
    expect(text.split('\n')).toEqual([
      'line 2: not valid JSON',
      'line 3: row 12 is not an item (the set has 10: 0–9)',
      'line 4: no image at x/y.png',
      'line 9: class `kat` is not in the label set (cat, dog)',
      '… and 2 more skipped lines',
    ]);
  });
});
