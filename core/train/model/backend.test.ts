import { afterEach, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../contract/errors.js';
import { backendNames } from '../../contract/training.js';
import { backendCandidates, describeEnvironment, selectBackend } from './backend.js';
import { fitModel } from './fit.js';
import { config, separableBinary } from './test-data.js';

const savedEnv = process.env['ORCHARD_BACKEND'];
afterEach(() => {
  if (savedEnv === undefined) delete process.env['ORCHARD_BACKEND'];
  else process.env['ORCHARD_BACKEND'] = savedEnv;
});

describe('selectBackend', () => {
  it('auto picks the first working backend and says why each faster one was skipped', async () => {
    delete process.env['ORCHARD_BACKEND'];
    const candidates = await backendCandidates();
    const choice = await selectBackend('auto');
    const firstWorking = candidates.find((c) => c.available)!;
    expect(choice.name).toBe(firstWorking.name);
    const faster = backendNames.slice(0, backendNames.indexOf(choice.name));
    expect(choice.skipped).toHaveLength(faster.length);
    choice.skipped.forEach((line, i) => expect(line).toMatch(new RegExp(`^${faster[i]}: \\S`)));
    if (choice.name === 'wasm') {
      expect(choice.skipped[0]).toMatch(
        /^tensorflow-gpu: @tensorflow\/tfjs-node-gpu (is not installed|is installed but failed to load)/,
      );
    }
  });

  it('really trains on wasm', async () => {
    const { tf, name, skipped } = await selectBackend('wasm');
    expect(name).toBe('wasm');
    expect(skipped).toEqual([]);
    expect(tf.getBackend()).toBe('wasm');
    const { model, epochs } = await fitModel({ tf, data: separableBinary(), config: config({ epochs: 5 }) });
    expect(tf.getBackend()).toBe('wasm');
    expect(epochs[4]!.metrics['val_accuracy']).toBeGreaterThan(0.9);
    model.dispose();
  });

  it('lets ORCHARD_BACKEND override auto, and rejects a value that is not a backend', async () => {
    process.env['ORCHARD_BACKEND'] = 'cpu';
    const { tf, name } = await selectBackend('auto');
    expect(name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    process.env['ORCHARD_BACKEND'] = 'tpu';
    await expect(selectBackend('auto')).rejects.toThrow(/ORCHARD_BACKEND is 'tpu'/);
  });

  it('refuses a forced backend that does not work, with the reason', async () => {
    const candidates = await backendCandidates();
    const broken = candidates.find((c) => !c.available);
    if (!broken) return; // every backend works on this machine: nothing to refuse
    const attempt = selectBackend(broken.name);
    await expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
    await expect(attempt).rejects.toThrow(
      `The ${broken.name} backend was requested but cannot be used: ${broken.reason}`,
    );
  });

  it('lists every backend with a reason', async () => {
    const candidates = await backendCandidates();
    expect(candidates.map((c) => c.name)).toEqual([...backendNames]);
    for (const c of candidates) expect(c.reason.length).toBeGreaterThan(0);
    expect(candidates.find((c) => c.name === 'wasm')).toMatchObject({
      available: true,
      reason: expect.stringMatching(/SIMD/),
    });
    expect(candidates.find((c) => c.name === 'cpu')?.available).toBe(true);
  });
});

describe('describeEnvironment', () => {
  it('records versions, machine and no GPU on wasm', async () => {
    const { tf } = await selectBackend('wasm');
    const env = describeEnvironment(tf);
    expect(env.orchardVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(env.tfjsVersion).toBe(tf.version.tfjs);
    expect(env.node).toBe(process.version);
    expect(env.os.length).toBeGreaterThan(0);
    expect(env.cpu).toMatch(/× \d+$/);
    expect(env.gpu).toBeNull();
  });
});
