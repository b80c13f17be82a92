import path from 'node:path';
import { realpathSync } from 'node:fs';
import { ForbiddenError } from '../contract/index.js';
import type { PathPolicy } from './types.js';

/** The CLI and tests: the user typed the path, so any path is theirs to read. */
export const anyPath: PathPolicy = {
  check: (p) => path.resolve(p),
};

function resolveReal(p: string): string {
  const absolute = path.resolve(p);
  try {
    return realpathSync(absolute);
  } catch {
    return absolute;
  }
}

function isInside(child: string, root: string): boolean {
  const relative = path.relative(root, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * Paths under the given folders only; symlinks are resolved first so a link inside an allowed
 * folder cannot point out of it. `granted` may grow (files the desktop user picked or dropped).
 */
export function pathsUnder(roots: readonly string[], hint: string): PathPolicy & { grant(p: string): void } {
  const allowedRoots = roots.map(resolveReal);
  const grantedFiles = new Set<string>();
  return {
    grant(p) {
      grantedFiles.add(resolveReal(p));
    },
    check(p) {
      const real = resolveReal(p);
      if (grantedFiles.has(real) || allowedRoots.some((root) => isInside(real, root))) return real;
      throw new ForbiddenError(`${p} is outside the files this session may read. ${hint}`, { path: p });
    },
  };
}
