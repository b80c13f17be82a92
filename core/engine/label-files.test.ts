import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabelImportReport } from '../contract/index.js';
import type { EventPayload, LabelSetDefinition, OrchardApi } from '../contract/index.js';
import { pngBytes } from '../data/images/test-images.js';
import { pathsUnder } from './path-policy.js';
import { useTestEngine, waitForJob, writeFixture } from './test-support.js';
import { createInProcessClient } from './transport/in-process.js';

const animals: LabelSetDefinition = {
  name: 'Cats & dogs',
  task: 'single',
  classes: [
    { name: 'cat', color: '#ff0000', hotkey: '1' },
    { name: 'dog', color: '#00ff00', hotkey: '2' },
  ],
};

const petsCsv = ['name,notes', ...['Tom', 'Rex', 'Kitty', 'Fido'].map((n) => `${n},a pet called ${n}`)].join(
  '\n',
);

let ids = 0;
const newId = () => `label-files-${++ids}`;

describe('label files through the engine', () => {
  const openTestEngine = useTestEngine();
  const setup = openTestEngine;

  async function labelAndFreeze(api: OrchardApi, labelSetId: string, labels: Record<number, string>) {
    for (const [rowId, name] of Object.entries(labels))
      await api.labels.annotate({
        labelSetId,
        annotator: 'ana',
        id: newId(),
        rowId: Number(rowId),
        action: 'label',
        value: { classes: [name] },
        expectedSeq: null,
      });
    return api.labels.freeze({ labelSetId, policy: 'agreed' });
  }

  it('exports a version into exports/ with a safe name, or where asked, as a job', async () => {
    const { api, dir, workspace, importPath } = await setup();
    const version = await importPath(writeFixture(dir, 'pets.csv', petsCsv));
    const set = await api.labels.createSet({ datasetVersionId: version.id, definition: animals });
    const frozen = await labelAndFreeze(api, set.id, { 0: 'cat', 1: 'dog', 3: 'dog' });

    const job = await waitForJob(
      api,
      (await api.labels.export({ labelVersionId: frozen.id, format: 'csv' })).jobId,
    );
    expect(job.status, job.error?.message).toBe('succeeded');
    const defaultPath = path.join(workspace, 'exports', 'Cats-dogs-v1.csv');
    expect(job.result).toMatchObject({ outputPath: defaultPath, items: 3, labelVersionId: frozen.id });
    expect(job.message).toContain('Wrote 3 labels of "Cats & dogs" v1');
    expect(readFileSync(defaultPath, 'utf8')).toBe('row_id,label\n0,cat\n1,dog\n3,dog\n');

    const jsonlPath = path.join(dir, 'out', 'v1.jsonl');
    const jsonl = await waitForJob(
      api,
      (await api.labels.export({ labelVersionId: frozen.id, format: 'jsonl', outputPath: jsonlPath })).jobId,
    );
    expect(jsonl.status).toBe('succeeded');
    expect(readFileSync(jsonlPath, 'utf8').split('\n')[1]).toBe('{"row_id":1,"label":"dog"}');

    // The ImageNet layout needs images: refused at once, no job.
    await expect(api.labels.export({ labelVersionId: frozen.id, format: 'imagenet' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('labels a table, not images'),
    });
    await expect(api.labels.export({ labelVersionId: 'lbv_nope', format: 'csv' })).rejects.toMatchObject({
      code: 'not_found',
    });

    const log = await waitForJob(api, (await api.labels.exportAnnotations({ labelSetId: set.id })).jobId);
    expect(log.status).toBe('succeeded');
    expect(log.result).toMatchObject({ annotations: 3 });
    expect(readdirSync(path.join(workspace, 'exports')).sort()).toEqual([
      'Cats-dogs-annotations.jsonl',
      'Cats-dogs-v1.csv',
    ]);
  });

  it('imports a file as a job: reports skipped lines, emits labels.changed, merges once', async () => {
    const { api, dir, importPath } = await setup();
    const version = await importPath(writeFixture(dir, 'pets.csv', petsCsv));
    const set = await api.labels.createSet({ datasetVersionId: version.id, definition: animals });
    const events: EventPayload<'labels.changed'>[] = [];
    api.on('labels.changed', (e) => events.push(e));
    const file = writeFixture(dir, 'bob.csv', 'row_id,label\n0,cat\n1,kat\n7,dog\n2,dog\n');
    const job = await waitForJob(api, (await api.labels.import({ labelSetId: set.id, path: file })).jobId);
    expect(job.status, job.error?.message).toBe('succeeded');
    const report = LabelImportReport.parse(job.result);
    expect(report).toEqual({
      imported: 2,
      alreadyPresent: 0,
      unknownClasses: [{ line: 3, value: 'kat' }],
      unknownRows: [{ line: 4, rowId: '7' }],
      invalid: [],
    });
    expect(job.message).toBe('Imported 2 labels from bob.csv; skipped 2 lines.');
    expect(events).toContainEqual({ labelSetId: set.id, annotation: null });
    // Without an annotator, the file's name is one; the labelling view sees the labels at once.
    const progress = await api.labels.progress({ labelSetId: set.id, annotator: 'bob' });
    expect(progress).toMatchObject({ done: 2, perClass: { cat: 1, dog: 1 } });

    const again = await waitForJob(
      api,
      (await api.labels.import({ labelSetId: set.id, path: file, annotator: 'bob' })).jobId,
    );
    expect(again.result).toMatchObject({ imported: 0, alreadyPresent: 2 });
    expect(again.message).toContain('(2 already present)');

    const bad = writeFixture(dir, 'bad.csv', 'id,label\n0,cat\n');
    const failed = await waitForJob(api, (await api.labels.import({ labelSetId: set.id, path: bad })).jobId);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('bad.csv'),
    });
    expect(failed.error?.message).toContain('`row_id`');
  });

  it('puts paths from the browser through its path policy', async () => {
    const { engine, api, dir, importPath } = await setup();
    const version = await importPath(writeFixture(dir, 'pets.csv', petsCsv));
    const set = await api.labels.createSet({ datasetVersionId: version.id, definition: animals });
    const frozen = await labelAndFreeze(api, set.id, { 0: 'cat' });
    const allowed = path.join(dir, 'allowed');
    mkdirSync(allowed);
    const browser = createInProcessClient(engine, {
      mode: 'browser',
      paths: pathsUnder([allowed], 'Upload it.'),
    });
    await expect(
      browser.labels.export({
        labelVersionId: frozen.id,
        format: 'csv',
        outputPath: path.join(dir, 'outside.csv'),
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      browser.labels.import({
        labelSetId: set.id,
        path: writeFixture(dir, 'x.csv', 'row_id,label\n0,cat\n'),
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    const inside = path.join(allowed, 'labels.csv');
    const job = await waitForJob(
      api,
      (await browser.labels.export({ labelVersionId: frozen.id, format: 'csv', outputPath: inside })).jobId,
    );
    expect(job.status).toBe('succeeded');
    expect(readFileSync(inside, 'utf8')).toBe('row_id,label\n0,cat\n');
  });

  it('exports an image set as ImageNet class folders', async () => {
    const { api, dir, workspace, importPath } = await setup();
    const folder = path.join(dir, 'pets');
    for (const [i, name] of ['cats/a.png', 'dogs/a.png', 'dogs/b.png'].entries()) {
      mkdirSync(path.dirname(path.join(folder, name)), { recursive: true });
      writeFileSync(path.join(folder, name), await pngBytes(8, 8, i + 1));
    }
    const version = await importPath(folder);
    const set = await api.labels.createSet({ datasetVersionId: version.id, definition: animals });
    const frozen = await labelAndFreeze(api, set.id, { 0: 'cat', 1: 'cat', 2: 'dog' });
    const job = await waitForJob(
      api,
      (await api.labels.export({ labelVersionId: frozen.id, format: 'imagenet' })).jobId,
    );
    expect(job.status, job.error?.message).toBe('succeeded');
    const tree = path.join(workspace, 'exports', 'Cats-dogs-v1-imagenet');
    expect(readdirSync(path.join(tree, 'cat')).sort()).toEqual(['a-1.png', 'a.png']);
    expect(readdirSync(path.join(tree, 'dog'))).toEqual(['b.png']);
    // Exporting again replaces our own folder.
    const again = await waitForJob(
      api,
      (await api.labels.export({ labelVersionId: frozen.id, format: 'imagenet' })).jobId,
    );
    expect(again.status, again.error?.message).toBe('succeeded');
    const csv = await waitForJob(
      api,
      (await api.labels.export({ labelVersionId: frozen.id, format: 'csv' })).jobId,
    );
    expect(readFileSync(String(csv.result?.['outputPath']), 'utf8')).toBe(
      'row_id,path,label\n0,cats/a.png,cat\n1,dogs/a.png,cat\n2,dogs/b.png,dog\n',
    );
  });
});
