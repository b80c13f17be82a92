import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendAnnotations } from '../registry/index.js';
import { checkExportable, exportAnnotations, exportLabelVersion } from './export.js';
import { exportFileName, safeFileName, uniqueName } from './file-names.js';
import {
  appendUndo,
  freeze,
  imageVersion,
  label,
  labelSet,
  tableVersion,
  useTestStores,
} from './file-test-support.js';

describe('label version export', () => {
  const open = useTestStores();
  const visible = (dir: string) => readdirSync(dir).filter((n) => !n.startsWith('.'));

  it('writes csv (row_id,label) and jsonl byte for byte as frozen', async () => {
    const t = await open();
    const table = await tableVersion(t, 5);
    const set = labelSet(t, table);
    label(t, set, 'ana', { 0: { classes: ['cat'] }, 3: { classes: ['dog'] }, 4: { classes: ['bird'] } });
    const version = await freeze(t, set);
    const csv = path.join(t.dir, 'out', 'labels.csv');
    const result = await exportLabelVersion(t, {
      version,
      set,
      datasetVersion: table,
      format: 'csv',
      outputPath: csv,
    });
    expect(result.items).toBe(3);
    expect(readFileSync(csv, 'utf8')).toBe('row_id,label\n0,cat\n3,dog\n4,bird\n');

    const jsonl = path.join(t.dir, 'out', 'labels.jsonl');
    await exportLabelVersion(t, { version, set, datasetVersion: table, format: 'jsonl', outputPath: jsonl });
    const bytes = readFileSync(jsonl);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(version.sha256);
    expect(bytes.toString('utf8').split('\n')[0]).toBe('{"row_id":0,"label":"cat"}');
    // Nothing but the two files: no staging leftovers.
    expect(readdirSync(path.join(t.dir, 'out')).sort()).toEqual(['labels.csv', 'labels.jsonl']);
  });

  it('joins multi-label as a;b and quotes what needs quoting', async () => {
    const t = await open();
    const table = await tableVersion(t, 3);
    const set = labelSet(t, table, {
      task: 'multi',
      classes: [
        { name: 'red, dark', color: '#ff0000', hotkey: '1' },
        { name: 'say "hi"', color: '#00ff00', hotkey: '2' },
        { name: 'plain', color: '#0000ff', hotkey: '3' },
      ],
    });
    label(t, set, 'ana', { 0: { classes: ['plain', 'red, dark'] }, 2: { classes: ['say "hi"'] } });
    const version = await freeze(t, set);
    const csv = path.join(t.dir, 'multi.csv');
    await exportLabelVersion(t, { version, set, datasetVersion: table, format: 'csv', outputPath: csv });
    expect(readFileSync(csv, 'utf8')).toBe('row_id,label\n0,"plain;red, dark"\n2,"say ""hi"""\n');
  });

  it('adds the path column for an image dataset and writes scores as numbers', async () => {
    const t = await open();
    const images = await imageVersion(t, [
      { path: 'a/x.png', bytes: 'one' },
      { path: 'b/x.png', bytes: 'two' },
      { path: 'c.png', bytes: 'three' },
    ]);
    const set = labelSet(t, images, { task: 'score', classes: [], score: { min: 1, max: 5, step: 0.5 } });
    label(t, set, 'ana', { 1: { score: 4.5 }, 2: { score: 1 } });
    const version = await freeze(t, set);
    const csv = path.join(t.dir, 'scores.csv');
    await exportLabelVersion(t, { version, set, datasetVersion: images, format: 'csv', outputPath: csv });
    expect(readFileSync(csv, 'utf8')).toBe('row_id,path,label\n1,b/x.png,4.5\n2,c.png,1\n');
  });

  it('copies images into class folders, renaming clashing names, and refuses a non-empty folder', async () => {
    const t = await open();
    const images = await imageVersion(t, [
      { path: 'a/x.png', bytes: 'one' },
      { path: 'b/x.png', bytes: 'two' },
      { path: 'b/X.png', bytes: 'three' },
      { path: 'y.png', bytes: 'four' },
      { path: 'z.png', bytes: 'five' },
    ]);
    const set = labelSet(t, images, {
      classes: [
        { name: 'cat', color: '#ff0000', hotkey: '1' },
        { name: 'a/b', color: '#00ff00', hotkey: '2' },
      ],
    });
    label(t, set, 'ana', {
      0: { classes: ['cat'] },
      1: { classes: ['cat'] },
      2: { classes: ['cat'] },
      3: { classes: ['a/b'] },
    });
    const version = await freeze(t, set);
    const out = path.join(t.dir, 'tree');
    const result = await exportLabelVersion(t, {
      version,
      set,
      datasetVersion: images,
      format: 'imagenet',
      outputPath: out,
    });
    expect(result.items).toBe(4);
    expect(readdirSync(out).sort()).toEqual(['a_b', 'cat']);
    expect(readdirSync(path.join(out, 'cat')).sort()).toEqual(['X-2.png', 'x-1.png', 'x.png']);
    expect(readFileSync(path.join(out, 'cat', 'x.png'), 'utf8')).toBe('one');
    expect(readFileSync(path.join(out, 'cat', 'x-1.png'), 'utf8')).toBe('two');
    expect(readFileSync(path.join(out, 'a_b', 'y.png'), 'utf8')).toBe('four');
    expect(visible(t.dir)).toContain('tree');
    expect(readdirSync(t.dir).filter((n) => n.endsWith('.partial'))).toEqual([]);

    await expect(
      exportLabelVersion(t, { version, set, datasetVersion: images, format: 'imagenet', outputPath: out }),
    ).rejects.toThrow(/already exists and is not empty/);
    // Our own exports folder may be replaced.
    writeFileSync(path.join(out, 'stale.txt'), 'old');
    await exportLabelVersion(t, {
      version,
      set,
      datasetVersion: images,
      format: 'imagenet',
      outputPath: out,
      replaceFolder: true,
    });
    expect(readdirSync(out).sort()).toEqual(['a_b', 'cat']);
  });

  it('refuses imagenet for tables and multi-label or score sets', async () => {
    const t = await open();
    const table = await tableVersion(t, 2);
    const images = await imageVersion(t, [{ path: 'x.png', bytes: '1' }]);
    expect(() => checkExportable(labelSet(t, table), table, 'imagenet')).toThrow(
      /labels a table, not images/,
    );
    const multi = labelSet(t, images, { task: 'multi' });
    expect(() => checkExportable(multi, images, 'imagenet')).toThrow(
      expect.objectContaining({ code: 'invalid_input', message: expect.stringMatching(/multi-label set/) }),
    );
    expect(() => checkExportable(multi, images, 'csv')).not.toThrow();
  });

  it('leaves no half file when the export fails, and keeps an older complete file', async () => {
    const t = await open();
    const table = await tableVersion(t, 2);
    const set = labelSet(t, table);
    label(t, set, 'ana', { 0: { classes: ['cat'] } });
    const version = await freeze(t, set);
    const dir = path.join(t.dir, 'out');
    mkdirSync(dir);
    const csv = path.join(dir, 'labels.csv');
    writeFileSync(csv, 'previous');
    // A missing object makes the copy fail half way.
    const broken = { ...version, sha256: 'e'.repeat(64) };
    await expect(
      exportLabelVersion(t, {
        version: broken,
        set,
        datasetVersion: table,
        format: 'jsonl',
        outputPath: csv,
      }),
    ).rejects.toThrow(/ENOENT/);
    await expect(
      exportLabelVersion(t, { version: broken, set, datasetVersion: table, format: 'csv', outputPath: csv }),
    ).rejects.toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual(['labels.csv']);
    expect(readFileSync(csv, 'utf8')).toBe('previous');
    await expect(
      exportLabelVersion(t, { version, set, datasetVersion: table, format: 'csv', outputPath: dir }),
    ).rejects.toThrow(/is a folder/);
  });

  it('exports every annotation in log order as the merge format, undo links by id', async () => {
    const t = await open();
    const table = await tableVersion(t, 3);
    const set = labelSet(t, table);
    const first = appendAnnotations(
      t.db,
      set.id,
      [
        { id: 'aaaaaaaa-1', rowId: 0, annotator: 'ana', action: 'label', value: { classes: ['cat'] } },
        { id: 'aaaaaaaa-2', rowId: 1, annotator: 'ben', action: 'skip', value: null },
      ],
      { origin: 'app' },
    );
    appendUndo(t.db, set.id, {
      id: 'aaaaaaaa-3',
      rowId: 0,
      annotator: 'ana',
      undoes: first.annotations[0]!.seq,
    });
    const out = path.join(t.dir, 'log.jsonl');
    const result = await exportAnnotations(t.db, set, out);
    expect(result.annotations).toBe(3);
    const lines = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => Object.keys(l))).toEqual(
      Array(3).fill(['id', 'row_id', 'annotator', 'action', 'value', 'undoes', 'created_at']),
    );
    expect(lines[0]).toMatchObject({
      id: 'aaaaaaaa-1',
      row_id: 0,
      action: 'label',
      value: { classes: ['cat'] },
    });
    expect(lines[1]).toMatchObject({ annotator: 'ben', action: 'skip', value: null, undoes: null });
    expect(lines[2]).toMatchObject({ action: 'clear', undoes: 'aaaaaaaa-1' });
    expect(existsSync(out)).toBe(true);
  });
});

describe('annotations export of a long log', () => {
  const open = useTestStores();

  it('writes the log as it stood at the start, a page at a time, while writes go on', async () => {
    const t = await open();
    const table = await tableVersion(t, 3);
    const set = labelSet(t, table);
    const logged = 12_000; // more than two pages
    const first = appendAnnotations(
      t.db,
      set.id,
      Array.from({ length: logged - 1 }, (_, i) => ({
        id: `log-${String(i).padStart(8, '0')}`,
        rowId: i % 3,
        annotator: i % 2 === 0 ? 'ana' : 'ben',
        action: 'label' as const,
        value: { classes: [i % 4 === 0 ? 'cat' : 'dog'] },
      })),
      { origin: 'app' },
    );
    // The last annotation (last page) undoes the very first one (first page).
    appendUndo(t.db, set.id, {
      id: 'log-undo-0',
      rowId: 0,
      annotator: 'ana',
      undoes: first.annotations[0]!.seq,
    });
    const out = path.join(t.dir, 'log.jsonl');
    const fractions: number[] = [];
    let finished = false;
    const exporting = exportAnnotations(t.db, set, out, {
      onProgress: (fraction) => fractions.push(fraction),
    }).then((result) => {
      finished = true;
      return result;
    });
    // A keypress's write from another task while the export runs: it goes through, and is not in the file.
    let wroteDuringExport = false;
    while (!finished) {
      await new Promise((resolve) => setImmediate(resolve));
      if (!wroteDuringExport && !finished && fractions.length > 0) {
        appendAnnotations(
          t.db,
          set.id,
          [
            {
              id: 'written-meanwhile',
              rowId: 1,
              annotator: 'cy',
              action: 'label',
              value: { classes: ['cat'] },
            },
          ],
          { origin: 'app' },
        );
        wroteDuringExport = true;
      }
    }
    const result = await exporting;
    expect(wroteDuringExport).toBe(true);
    expect(fractions.filter((fraction) => fraction > 0 && fraction < 1).length).toBeGreaterThanOrEqual(2);
    expect(result.annotations).toBe(logged);
    const lines = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; undoes: string | null });
    expect(lines).toHaveLength(logged);
    expect(lines[0]?.id).toBe('log-00000000');
    expect(lines.at(-1)).toMatchObject({ id: 'log-undo-0', undoes: 'log-00000000' });
    expect(lines.some((line) => line.id === 'written-meanwhile')).toBe(false);
  });

  it('stops between pages when cancelled and leaves no file', async () => {
    const t = await open();
    const table = await tableVersion(t, 3);
    const set = labelSet(t, table);
    appendAnnotations(
      t.db,
      set.id,
      Array.from({ length: 11_000 }, (_, i) => ({
        id: `cancel-${String(i).padStart(8, '0')}`,
        rowId: i % 3,
        annotator: 'ana',
        action: 'skip' as const,
        value: null,
      })),
      { origin: 'app' },
    );
    const out = path.join(t.dir, 'cancelled.jsonl');
    const stop = new AbortController();
    await expect(
      exportAnnotations(t.db, set, out, {
        signal: stop.signal,
        onProgress: (fraction) => {
          if (fraction < 1) stop.abort();
        },
      }),
    ).rejects.toThrow();
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(t.dir).filter((name) => name.includes('cancelled'))).toEqual([]);
  });
});

describe('export file names', () => {
  it('keeps names to one safe path segment', () => {
    expect(safeFileName('../etc/passwd', 'x')).toBe('_etc_passwd');
    expect(safeFileName('..', 'fallback')).toBe('fallback');
    expect(safeFileName('CON', 'x')).toBe('_CON');
    expect(safeFileName('café', 'x')).toBe('café');
    expect(exportFileName('Chats & chiens / v2', '.csv')).toBe('Chats-chiens-v2.csv');
    expect(exportFileName('???', '.csv')).toBe('labels.csv');
    const taken = new Set<string>();
    expect(['a.png', 'A.png', 'a.png'].map((n) => uniqueName(taken, n))).toEqual([
      'a.png',
      'A-1.png',
      'a-2.png',
    ]);
  });
});
