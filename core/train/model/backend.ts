/**
 * Choosing where training runs: CUDA through tfjs-node-gpu, native TensorFlow through tfjs-node,
 * WebAssembly (XNNPACK), or plain JavaScript — the fastest that works on this machine. The native
 * packages are optional dependencies that download libtensorflow when installed, so they may be
 * absent or broken; each one is imported only here, at run time, and proved with a tiny matrix
 * product before it is used. The choice and why the faster ones were passed over are recorded on
 * every run (`BackendChoice.skipped`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, availableParallelism, cpus, release, type } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tfjs from '@tensorflow/tfjs';
import { InvalidInputError } from '../../contract/errors.js';
import { BackendName, backendNames } from '../../contract/training.js';
import type { BackendChoice, RunEnvironment } from '../../contract/training.js';
import type { Tf } from './tf-types.js';
import { installWasmTrainingKernels } from './wasm-kernels.js';

/** One backend as the UI lists it: whether it works here and, either way, why. */
export interface BackendCandidate {
  readonly name: BackendName;
  readonly available: boolean;
  /** "ready", or what is missing and how to get it. */
  readonly reason: string;
}

type Probe = { readonly ok: true; readonly detail: string } | { readonly ok: false; readonly reason: string };

const require = createRequire(import.meta.url);
const packageOf: Record<BackendName, string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs',
};
/** The tfjs backend each Orchard backend runs on (both native packages register `tensorflow`). */
const tfjsBackendOf: Record<BackendName, string> = {
  'tensorflow-gpu': 'tensorflow',
  tensorflow: 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

// Probing imports native code and initialises backends, so each is done once per process.
const probes = new Map<BackendName, Promise<Probe>>();
let gpuPackageLoaded = false;

/**
 * Picks the backend to train on and makes it tf's active backend. `auto` (or the
 * `ORCHARD_BACKEND` environment variable, which overrides `auto`) tries tensorflow-gpu,
 * tensorflow, wasm and cpu in that order; a named backend that does not work is an error that
 * says why, never a silent fallback.
 */
export async function selectBackend(preference: 'auto' | BackendName): Promise<BackendChoice & { tf: Tf }> {
  const wanted = resolvePreference(preference);
  const tf = tfjs;
  if (wanted !== 'auto') {
    const probe = await probeBackend(wanted);
    if (!probe.ok) {
      throw new InvalidInputError(
        `The ${wanted} backend was requested but cannot be used: ${probe.reason}. ` +
          `Choose another backend or 'auto'.`,
        { backend: wanted },
      );
    }
    await activate(tf, wanted);
    return { tf, name: wanted, skipped: [] };
  }
  const skipped: string[] = [];
  for (const name of backendNames) {
    const probe = await probeBackend(name);
    if (probe.ok) {
      await activate(tf, name);
      return { tf, name, skipped };
    }
    skipped.push(`${name}: ${probe.reason}`);
  }
  // The plain JavaScript backend ships with tfjs itself; reaching here means tfjs is broken.
  throw new Error(`No TensorFlow.js backend works: ${skipped.join('; ')}`);
}

/** Every backend, available or not, with the reason, for the UI's backend picker. */
export async function backendCandidates(): Promise<BackendCandidate[]> {
  const previous = tfjs.getBackend();
  const candidates: BackendCandidate[] = [];
  for (const name of backendNames) {
    const probe = await probeBackend(name);
    candidates.push(
      probe.ok
        ? { name, available: true, reason: probe.detail }
        : { name, available: false, reason: probe.reason },
    );
  }
  // Probing switches backends; put back whatever was active.
  if (previous && tfjs.getBackend() !== previous) await tfjs.setBackend(previous);
  return candidates;
}

/** Where this run happened, recorded beside its metrics. */
export function describeEnvironment(tf: Tf): RunEnvironment {
  const processors = cpus();
  const model = processors[0]?.model.trim() ?? 'unknown CPU';
  return {
    orchardVersion: orchardVersion(),
    tfjsVersion: tf.version.tfjs,
    node: process.version,
    os: `${type()} ${release()} (${arch()})`,
    cpu: `${model} × ${availableParallelism()}`,
    gpu: usesGpu(tf) ? (gpuName() ?? 'CUDA device') : null,
  };
}

function resolvePreference(preference: 'auto' | BackendName): 'auto' | BackendName {
  if (preference !== 'auto') return preference;
  const fromEnv = process.env['ORCHARD_BACKEND']?.trim();
  if (!fromEnv || fromEnv === 'auto') return 'auto';
  const parsed = BackendName.safeParse(fromEnv);
  if (!parsed.success) {
    throw new InvalidInputError(
      `ORCHARD_BACKEND is '${fromEnv}', which is not a backend; use one of auto, ${backendNames.join(', ')}.`,
    );
  }
  return parsed.data;
}

async function activate(tf: Tf, name: BackendName): Promise<void> {
  if (!(await tf.setBackend(tfjsBackendOf[name])))
    throw new Error(`tf.setBackend('${name}') failed after a successful probe`);
  await tf.ready();
}

function probeBackend(name: BackendName): Promise<Probe> {
  let probe = probes.get(name);
  if (!probe) {
    probe = runProbe(name).catch((error: unknown) => ({ ok: false as const, reason: firstLine(error) }));
    probes.set(name, probe);
  }
  return probe;
}

async function runProbe(name: BackendName): Promise<Probe> {
  const tf = tfjs;
  // Prod mode drops debug bookkeeping and the "install tfjs-node" banner the CPU backend prints.
  tf.enableProdMode();
  switch (name) {
    case 'tensorflow-gpu': {
      const missing = await importOptional(packageOf[name]);
      if (missing) return { ok: false, reason: missing };
      gpuPackageLoaded = true;
      const smoke = await smokeTest(tf, 'tensorflow');
      if (smoke) return { ok: false, reason: smoke };
      if (!usesGpu(tf))
        return { ok: false, reason: 'no usable CUDA device (libtensorflow runs on the CPU here)' };
      return { ok: true, detail: `ready (${gpuName() ?? 'CUDA device'})` };
    }
    case 'tensorflow': {
      // Both native packages register the `tensorflow` backend; the GPU one, once loaded, is
      // native TensorFlow on the CPU when it finds no CUDA device, and loading the other would clash.
      if (!gpuPackageLoaded) {
        const missing = await importOptional(packageOf[name]);
        if (missing) return { ok: false, reason: missing };
      }
      const smoke = await smokeTest(tf, 'tensorflow');
      return smoke ? { ok: false, reason: smoke } : { ok: true, detail: 'ready (native TensorFlow, CPU)' };
    }
    case 'wasm': {
      const missing = await importOptional(packageOf[name]);
      if (missing) return { ok: false, reason: missing };
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
      if (!existsSync(join(dist, 'tfjs-backend-wasm.wasm'))) {
        return { ok: false, reason: `the .wasm binaries are missing from ${dist}` };
      }
      // In Node the binaries are read from disk; a directory prefix (with its trailing slash) works.
      wasm.setWasmPaths(`${dist}/`);
      const smoke = await smokeTest(tf, 'wasm');
      if (smoke) return { ok: false, reason: smoke };
      installWasmTrainingKernels(tf);
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
      return {
        ok: true,
        detail: `ready (SIMD ${simd ? 'on' : 'off'}, ${threads ? 'multi-threaded' : 'single thread'})`,
      };
    }
    case 'cpu': {
      const smoke = await smokeTest(tf, 'cpu');
      return smoke ? { ok: false, reason: smoke } : { ok: true, detail: 'ready (plain JavaScript, slowest)' };
    }
  }
}

/** Imports an optional package; returns why it cannot be used, or null when it loaded. */
async function importOptional(specifier: string): Promise<string | null> {
  try {
    require.resolve(specifier);
  } catch {
    return `${specifier} is not installed`;
  }
  try {
    // A variable specifier keeps TypeScript from requiring the optional package's types.
    const name: string = specifier;
    await import(name);
    return null;
  } catch (error) {
    return `${specifier} is installed but failed to load: ${firstLine(error)}`;
  }
}

/** Runs a 2×2 matrix product on `backendName`; returns the failure, or null when it worked. */
async function smokeTest(tf: Tf, backendName: string): Promise<string | null> {
  if (!tf.findBackendFactory(backendName)) return `the '${backendName}' backend did not register`;
  let set: boolean;
  try {
    set = await tf.setBackend(backendName);
  } catch (error) {
    return `initialising failed: ${firstLine(error)}`;
  }
  if (!set) return `initialising the '${backendName}' backend failed`;
  const product = tf.tidy(() =>
    tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])),
  );
  try {
    const values = Array.from(await product.data());
    return values.join(',') === '19,22,43,50' ? null : `a test matrix product gave ${values.join(',')}`;
  } finally {
    product.dispose();
  }
}

function usesGpu(tf: Tf): boolean {
  if (tf.getBackend() !== 'tensorflow') return false;
  return (tf.backend() as unknown as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === true;
}

let cachedGpuName: string | null | undefined;
function gpuName(): string | null {
  if (cachedGpuName === undefined) {
    try {
      const out = execFileSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], {
        encoding: 'utf8',
        timeout: 3000,
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      cachedGpuName = out.split('\n')[0]?.trim() || null;
    } catch {
      cachedGpuName = null;
    }
  }
  return cachedGpuName;
}

let cachedVersion: string | undefined;
/** The version in Orchard's package.json, found by walking up from this file (src or dist). */
function orchardVersion(): string {
  if (cachedVersion !== undefined) return cachedVersion;
  let dir = dirname(fileURLToPath(import.meta.url));
  cachedVersion = 'unknown';
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: unknown; version?: unknown };
        if (pkg.name === 'orchard' && typeof pkg.version === 'string') {
          cachedVersion = pkg.version;
          break;
        }
      } catch {
        // Not ours or unreadable; keep walking up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return cachedVersion;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.trim();
}
