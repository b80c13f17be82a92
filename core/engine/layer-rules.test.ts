import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Lints a snippet as if it lived at `file` and returns the layer-rule messages. */
async function layerErrors(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: repoRoot });
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rules (ARCHITECTURE.md), enforced by lint', () => {
  it('keeps core/contract and core/domain free of Node, Electron and upper layers', async () => {
    expect(
      await layerErrors('core/contract/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n"),
    ).toHaveLength(1);
    expect(
      await layerErrors('core/domain/x.ts', "import { app } from 'electron';\nexport const a = app;\n"),
    ).toHaveLength(1);
    expect(
      await layerErrors(
        'core/domain/x.ts',
        "import { openRegistry } from '../registry/index.js';\nexport const a = openRegistry;\n",
      ),
    ).toHaveLength(1);
    expect(
      await layerErrors('core/domain/x.ts', "import { z } from 'zod';\nexport const a = z;\n"),
    ).toHaveLength(0);
  });

  it('keeps core away from electron, react and the renderer', async () => {
    expect(
      await layerErrors('core/engine/x.ts', "import { app } from 'electron';\nexport const a = app;\n"),
    ).toHaveLength(1);
    expect(
      await layerErrors('core/data/x.ts', "import React from 'react';\nexport const a = React;\n"),
    ).toHaveLength(1);
    expect(
      await layerErrors(
        'core/engine/x.ts',
        "import { App } from '../../renderer/src/app.js';\nexport const a = App;\n",
      ),
    ).toHaveLength(1);
  });

  it('lets the renderer import only the contract (and pure domain code)', async () => {
    expect(
      await layerErrors(
        'renderer/src/x.ts',
        "import { openEngine } from '../../core/engine/engine.js';\nexport const a = openEngine;\n",
      ),
    ).toHaveLength(1);
    expect(
      await layerErrors('renderer/src/x.ts', "import path from 'node:path';\nexport const a = path;\n"),
    ).toHaveLength(1);
    expect(
      await layerErrors(
        'renderer/src/x.ts',
        "import { methods } from '../../core/contract/index.js';\nexport const a = methods;\n",
      ),
    ).toHaveLength(0);
  });
});
