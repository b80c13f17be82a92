/**
 * Browser mode for the benchmarks: `node bin/orchard.js serve` on a workspace, the way a user
 * starts it, and the compiled files it needs (`npm run build`).
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './synthetic-csv.js';

/** What `orchard serve` runs and serves; both come from `npm run build`. */
const builtFiles = [
  join(repoRoot, 'dist', 'core', 'cli', 'main.js'),
  join(repoRoot, 'dist', 'renderer', 'index.html'),
];

function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMs(full));
    else if (/\.(ts|tsx|css|html)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name))
      newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

export interface BuildCheck {
  /** False when `npm run build` has not been run: serve cannot start. */
  readonly present: boolean;
  /** Set when a source file under core/ or renderer/ is newer than the build. */
  readonly staleWarning: string | null;
}

export function checkBuild(): BuildCheck {
  if (!builtFiles.every((file) => existsSync(file))) return { present: false, staleWarning: null };
  const builtMs = Math.min(...builtFiles.map((file) => statSync(file).mtimeMs));
  const sourceMs = Math.max(
    newestSourceMs(join(repoRoot, 'core')),
    newestSourceMs(join(repoRoot, 'renderer')),
  );
  return {
    present: true,
    staleWarning:
      sourceMs > builtMs
        ? `dist/ is older than a source file under core/ or renderer/ (built ${new Date(builtMs).toISOString()}, ` +
          `source changed ${new Date(sourceMs).toISOString()}); run \`npm run build\` to measure the current code`
        : null,
  };
}

export interface ServeProcess {
  /** The printed address, token included. */
  readonly url: string;
  /** Milliseconds from spawning the process to the address being printed. */
  readonly startMs: number;
  stop(): Promise<void>;
}

const startTimeoutMs = 60_000;

/** Starts `orchard serve --workspace DIR --port 0 --no-open` and resolves once it printed its address. */
export async function startServe(workspace: string): Promise<ServeProcess> {
  const started = performance.now();
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [join(repoRoot, 'bin', 'orchard.js'), 'serve', '--workspace', workspace, '--port', '0', '--no-open'],
    { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' } },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`orchard serve printed no address within ${startTimeoutMs} ms:\n${output}`));
    }, startTimeoutMs);
    const collect = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = /Orchard is running at (http:\/\/\S+)/.exec(output);
      if (!match?.[1]) return;
      clearTimeout(timer);
      resolve(match[1]);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`orchard serve exited (${code ?? signal}) before printing its address:\n${output}`));
    });
  });
  const startMs = performance.now() - started;
  return {
    url,
    startMs,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
