import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ObjectStore } from './object-store.js';
import { useTempDir } from './test-support.js';

describe('ObjectStore', () => {
  const tempDir = useTempDir();

  it('moves a staged file into place under its sha256', async () => {
    const store = new ObjectStore(tempDir());
    await store.init();
    const staged = store.stagingPath('.bin');
    writeFileSync(staged, 'hello orchard');
    const stored = await store.commit(staged);
    const expected = createHash('sha256').update('hello orchard').digest('hex');
    expect(stored.sha256).toBe(expected);
    expect(stored.path).toBe(path.join(store.root, expected.slice(0, 2), expected.slice(2)));
    expect(readFileSync(stored.path, 'utf8')).toBe('hello orchard');
    expect(existsSync(staged)).toBe(false);
    await store.close();
  });

  it('stores identical content once', async () => {
    const store = new ObjectStore(tempDir());
    await store.init();
    const a = store.stagingPath('');
    const b = store.stagingPath('');
    writeFileSync(a, 'same');
    writeFileSync(b, 'same');
    expect((await store.commit(a)).path).toBe((await store.commit(b)).path);
    expect(existsSync(b)).toBe(false);
  });

  it('removes staging left by a dead process at start, but not a live one', async () => {
    const workspace = tempDir();
    const deadDir = path.join(workspace, 'tmp', '999999999-dead');
    mkdirSync(deadDir, { recursive: true });
    writeFileSync(path.join(deadDir, 'partial.parquet'), 'half a file');
    const first = new ObjectStore(workspace);
    expect((await first.init()).removedStaleStaging).toBe(1);
    expect(existsSync(deadDir)).toBe(false);
    const second = new ObjectStore(workspace);
    expect((await second.init()).removedStaleStaging).toBe(0);
    expect(existsSync(first.stagingDir)).toBe(true);
  });

  it('rejects a hash that is not one', () => {
    const store = new ObjectStore(tempDir());
    expect(() => store.pathOf('../../etc/passwd')).toThrow(/Not an object hash/);
  });
});
