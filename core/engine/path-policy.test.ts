import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ForbiddenError } from '../contract/index.js';
import { useTempDir } from '../registry/test-support.js';
import { pathsUnder } from './path-policy.js';

describe('pathsUnder', () => {
  const tempDir = useTempDir();

  it('allows files under a root and refuses the rest, naming the path and the way out', () => {
    const root = tempDir();
    const allowed = path.join(root, 'allowed');
    mkdirSync(allowed);
    writeFileSync(path.join(allowed, 'a.csv'), 'x');
    const policy = pathsUnder([allowed], 'Upload it instead.');
    expect(policy.check(path.join(allowed, 'a.csv'))).toBe(path.join(allowed, 'a.csv'));
    expect(() => policy.check(path.join(allowed, '..', 'b.csv'))).toThrow(ForbiddenError);
    expect(() => policy.check('/etc/passwd')).toThrow(
      /\/etc\/passwd is outside the files this session may read\. Upload it instead\./,
    );
    expect(() => policy.check(`${allowed}-sibling/x.csv`)).toThrow(ForbiddenError);
  });

  it('refuses a symlink inside a root that points out of it', () => {
    const root = tempDir();
    const allowed = path.join(root, 'allowed');
    mkdirSync(allowed);
    writeFileSync(path.join(root, 'secret.csv'), 'x');
    symlinkSync(path.join(root, 'secret.csv'), path.join(allowed, 'link.csv'));
    expect(() => pathsUnder([allowed], '').check(path.join(allowed, 'link.csv'))).toThrow(ForbiddenError);
  });

  it('allows exactly the files granted', () => {
    const root = tempDir();
    writeFileSync(path.join(root, 'picked.csv'), 'x');
    const policy = pathsUnder([], '');
    expect(() => policy.check(path.join(root, 'picked.csv'))).toThrow(ForbiddenError);
    policy.grant(path.join(root, 'picked.csv'));
    expect(policy.check(path.join(root, 'picked.csv'))).toBe(path.join(root, 'picked.csv'));
    expect(() => policy.check(path.join(root, 'other.csv'))).toThrow(ForbiddenError);
  });
});
