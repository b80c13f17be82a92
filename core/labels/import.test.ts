import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  annotationHistory,
  annotationLogEnd,
  annotationLogPage,
  appendAnnotations,
  currentLabels,
} from '../registry/index.js';
import type { DatasetVersion, LabelSet } from '../contract/index.js';
import { exportAnnotations, exportLabelVersion } from './export.js';
import {
  appendUndo,
  freeze,
  imageVersion,
  label,
  labelSet,
  tableVersion,
  useTestStores,
} from './file-test-support.js';
import type { TestStores } from './file-test-support.js';
import { importLabels, maxReportedPerKind } from './import.js';
import { maxLineBytes } from './import-lines.js';

describe('label import', () => {
  const open = useTestStores();
  const file = (t: TestStores, name: string, content: string | Buffer) => {
    const p = path.join(t.dir, name);
    writeFileSync(p, content);
    return p;
  };
  const run = (
    t: TestStores,
    set: LabelSet,
    datasetVersion: DatasetVersion,
    filePath: string,
    annotator?: string,
  ) => importLabels(t, { set, datasetVersion, file: filePath, annotator });
  const current = (t: TestStores, set: LabelSet) =>
    currentLabels(t.db, set.id).map((l) => [l.rowId, l.annotator, l.value]);

  it('imports a CSV, reports each skipped line by number, and adds nothing when imported again', async () => {
    const t = await open();
    const table = await tableVersion(t, 5);
    const set = labelSet(t, table);
    const csv = file(
      t,
      'ana-labels.csv',
      [
        'row_id,label,annotator',
        '0,cat,',
        '1,Dog,ben',
        '2,kat,',
        '9,cat,',
        'x,cat,',
        '3,cat',
        '4,"bird",',
        '',
        '3,,',
        '1,"cat;dog",',
      ].join('\r\n'),
    );
    const report = await run(t, set, table, csv);
    expect(report).toMatchObject({
      format: 'csv',
      imported: 3,
      alreadyPresent: 0,
      unknownClasses: [{ line: 4, value: 'kat' }],
      unknownRows: [{ line: 5, rowId: '9' }],
      skippedLines: 6,
    });
    expect(report.invalid).toEqual([
      { line: 6, message: 'row_id `x` is not a whole number' },
      { line: 7, message: expect.stringContaining('2 fields where the header has 3') },
      { line: 10, message: 'no label (one of cat, dog, bird)' },
      { line: 11, message: 'a single-label set takes one class, got 2 (cat, dog)' },
    ]);
    // Without an annotator anywhere, the file name (without extension) names one; `Dog` is the set's `dog`.
    expect(current(t, set)).toEqual([
      [0, 'ana-labels', { classes: ['cat'] }],
      [1, 'ben', { classes: ['dog'] }],
      [4, 'ana-labels', { classes: ['bird'] }],
    ]);
    const log = annotationLogPage(t.db, set.id, 0, annotationLogEnd(t.db, set.id).lastSeq, 1_000);
    expect(log.every((a) => a.origin === 'import')).toBe(true);

    const again = await run(t, set, table, csv);
    expect(again).toMatchObject({ imported: 0, alreadyPresent: 3 });
    // The same file for another annotator is that annotator's labels (ben's line stays ben's).
    expect(await run(t, set, table, csv, 'carla')).toMatchObject({ imported: 2, alreadyPresent: 1 });
  });

  it('refuses a file whose header lacks a required column, naming the file and the column', async () => {
    const t = await open();
    const table = await tableVersion(t, 3);
    const set = labelSet(t, table);
    const noLabel = file(t, 'labels.csv', 'row_id,class\n0,cat\n');
    await expect(run(t, set, table, noLabel)).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(
        /^labels\.csv: the header has no `label` column \(found `row_id`, `class`\)/,
      ),
    });
    const noRow = file(t, 'nohead.csv', '0,cat\n1,dog\n');
    await expect(run(t, set, table, noRow)).rejects.toThrow(/nohead\.csv: the header has no `row_id` column/);
    expect(current(t, set)).toEqual([]);
  });

  it('maps image paths to rows, multi-label a;b, scores on their scale', async () => {
    const t = await open();
    const images = await imageVersion(t, [
      { path: 'cats/1.png', bytes: 'a' },
      { path: 'dogs/2.png', bytes: 'b' },
    ]);
    const multi = labelSet(t, images, { name: 'tags', task: 'multi' });
    const csv = file(
      t,
      'tags.csv',
      'path,label\ncats/1.png,cat;bird\n./dogs\\2.png,dog; cat\nnope.png,cat\ncats/1.png,cat;fish;eel\ndogs/2.png,\n',
    );
    const report = await run(t, multi, images, csv, 'ana');
    expect(report).toMatchObject({
      imported: 3,
      unknownRows: [{ line: 4, rowId: 'nope.png' }],
      unknownClasses: [
        { line: 5, value: 'fish' },
        { line: 5, value: 'eel' },
      ],
      skippedLines: 2,
    });
    // The last line wins: an empty multi-label is "none of these".
    expect(current(t, multi)).toEqual([
      [0, 'ana', { classes: ['bird', 'cat'] }],
      [1, 'ana', { classes: [] }],
    ]);

    const score = labelSet(t, images, {
      name: 'quality',
      task: 'score',
      classes: [],
      score: { min: 1, max: 5, step: 0.5 },
    });
    const scores = file(
      t,
      'scores.jsonl',
      '{"row_id":0,"label":4.5}\n{"row_id":1,"label":7}\n{"path":"dogs/2.png","label":2.2}\n{"row_id":1,"label":"3"}\n',
    );
    expect(await run(t, score, images, scores, 'ana')).toMatchObject({
      format: 'jsonl',
      imported: 1,
      invalid: [
        { line: 2, message: 'score 7 is outside 1–5' },
        { line: 3, message: 'score 2.2 is not on the scale 1–5 in steps of 0.5' },
        { line: 4, message: '`label` must be a number for a score set, got "3"' },
      ],
    });
  });

  it('merges an annotations export into another workspace with undo links, once', async () => {
    const source = await open();
    const sourceTable = await tableVersion(source, 3);
    const sourceSet = labelSet(source, sourceTable);
    const first = appendAnnotations(
      source.db,
      sourceSet.id,
      [
        { id: 'uuid-0001', rowId: 0, annotator: 'ana', action: 'label', value: { classes: ['cat'] } },
        { id: 'uuid-0002', rowId: 1, annotator: 'ana', action: 'skip', value: null },
        { id: 'uuid-0003', rowId: 2, annotator: 'rita', action: 'review', value: { classes: ['dog'] } },
      ],
      { origin: 'app' },
    );
    appendUndo(source.db, sourceSet.id, {
      id: 'uuid-0004',
      rowId: 0,
      annotator: 'ana',
      undoes: first.annotations[0]!.seq,
    });
    const exported = path.join(source.dir, 'merge.jsonl');
    await exportAnnotations(source.db, sourceSet, exported);

    const target = await open();
    const table = await tableVersion(target, 3);
    const set = labelSet(target, table);
    label(target, set, 'ben', { 0: { classes: ['bird'] } });
    const report = await run(target, set, table, exported);
    expect(report).toMatchObject({ format: 'jsonl', imported: 4, alreadyPresent: 0, skippedLines: 0 });
    const history = annotationHistory(target.db, set.id, 0).filter((a) => a.annotator === 'ana');
    expect(history.map((a) => [a.id, a.action, a.undoes])).toEqual([
      ['uuid-0001', 'label', null],
      ['uuid-0004', 'clear', history[0]!.seq],
    ]);
    expect(history[0]!.createdAt).toBe(first.annotations[0]!.createdAt);
    expect(await run(target, set, table, exported)).toMatchObject({ imported: 0, alreadyPresent: 4 });
  });

  it('reports malformed JSONL lines and keeps the good ones', async () => {
    const t = await open();
    const table = await tableVersion(t, 3);
    const set = labelSet(t, table);
    const jsonl = file(
      t,
      'mixed.jsonl',
      [
        '{"row_id":0,"label":"cat"}',
        '{"row_id":1,"label":',
        '[1,2]',
        '{"row_id":"1","label":"cat"}',
        '{"label":"cat"}',
        '{"row_id":1}',
        '{"id":"short","row_id":1,"annotator":"x","action":"label","value":{"classes":["cat"]}}',
        '{"id":"long-enough","row_id":1,"annotator":"x","action":"label"}',
        '{"id":"long-enough","row_id":1,"annotator":"x","action":"skip","value":{"classes":["cat"]}}',
        '{"id":"long-enough","row_id":1,"annotator":"x","action":"label","value":{"score":3}}',
        '{"row_id":2,"label":"dog","annotator":"bo"}',
      ].join('\n'),
    );
    const report = await run(t, set, table, jsonl);
    expect(report.imported).toBe(2);
    expect(report.invalid.map((i) => i.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(report.invalid[0]!.message).toMatch(/^not valid JSON/);
    expect(report.invalid[2]!.message).toBe('`row_id` must be a whole number, got "1"');
    expect(report.invalid[8]!.message).toBe('a score does not fit a single-label set');
    expect(current(t, set)).toEqual([
      [0, 'mixed', { classes: ['cat'] }],
      [2, 'bo', { classes: ['dog'] }],
    ]);
  });

  it('round-trips its own CSV export', async () => {
    const t = await open();
    const images = await imageVersion(t, [
      { path: 'a.png', bytes: '1' },
      { path: 'b,c.png', bytes: '2' },
    ]);
    const set = labelSet(t, images);
    label(t, set, 'ana', { 0: { classes: ['cat'] }, 1: { classes: ['bird'] } });
    const version = await freeze(t, set);
    const csv = path.join(t.dir, 'v1.csv');
    await exportLabelVersion(t, { version, set, datasetVersion: images, format: 'csv', outputPath: csv });
    const copy = labelSet(t, images, { name: 'copy' });
    expect(await run(t, copy, images, csv, 'ana')).toMatchObject({ imported: 2, skippedLines: 0 });
    expect(current(t, copy)).toEqual(current(t, set));
  });

  it('gives clear errors for empty, blank, binary, UTF-16 and missing files; skips over-long lines', async () => {
    const t = await open();
    const table = await tableVersion(t, 3);
    const set = labelSet(t, table);
    await expect(run(t, set, table, file(t, 'empty.csv', ''))).rejects.toThrow(/^empty\.csv is empty/);
    await expect(run(t, set, table, file(t, 'blank.csv', '\n \n'))).rejects.toThrow(
      /blank\.csv holds only blank lines/,
    );
    await expect(
      run(t, set, table, file(t, 'photo.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1]))),
    ).rejects.toThrow(/photo\.csv is not a text file/);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('row_id,label\n', 'utf16le')]);
    await expect(run(t, set, table, file(t, 'excel.csv', utf16))).rejects.toThrow(
      /excel\.csv is UTF-16 text/,
    );
    await expect(run(t, set, table, path.join(t.dir, 'missing.csv'))).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(run(t, set, table, file(t, 'array.json', '[{"row_id":0}]'))).rejects.toThrow(
      /is a JSON array/,
    );

    const huge = `0,${'x'.repeat(maxLineBytes * 3)}`;
    const csv = file(t, 'huge.csv', `row_id,label\n${huge}\n1,"never\nclosed\n2,dog\n`);
    const report = await run(t, set, table, csv, 'ana');
    expect(report.invalid).toEqual([
      { line: 2, message: 'the line is longer than 64 KiB' },
      { line: 3, message: 'a quoted field is not closed before the end of the file' },
    ]);
    const latin1 = file(
      t,
      'latin1.csv',
      Buffer.concat([Buffer.from('row_id,label\n0,caf'), Buffer.from([0xe9]), Buffer.from('\n2,dog\n')]),
    );
    expect(await run(t, set, table, latin1, 'ana')).toMatchObject({
      imported: 1,
      invalid: [{ line: 2, message: 'the line is not UTF-8 text' }],
    });
  });

  it('lists the first entries of each kind and counts the rest', async () => {
    const t = await open();
    const table = await tableVersion(t, 2);
    const set = labelSet(t, table);
    const lines = ['row_id,label', ...Array.from({ length: maxReportedPerKind + 5 }, () => '0,kat'), '1,cat'];
    const report = await run(t, set, table, file(t, 'many.csv', lines.join('\n')));
    expect(report.unknownClasses).toHaveLength(maxReportedPerKind);
    expect(report.omitted.unknownClasses).toBe(5);
    expect(report.skippedLines).toBe(maxReportedPerKind + 5);
    expect(report.imported).toBe(1);
  });
});
