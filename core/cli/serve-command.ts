import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Command } from 'commander';
import { defaultWorkspace, openEngine } from '../engine/engine.js';
import { startServer } from '../engine/serve.js';
import { packageRoot } from './session.js';

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '::1']);

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'Start browser mode: the app on http://127.0.0.1, guarded by a token printed in its address.',
    )
    .option(
      '--host <host>',
      'address to bind (anything but loopback exposes your workspace to the network)',
      '127.0.0.1',
    )
    .option('--port <port>', 'port to listen on (0 picks a free one)', '7420')
    .option('--data-dir <dir...>', 'folders the page may import from by path (uploads always work)')
    .option('--open', 'open the address in the default browser')
    .option('--no-open', 'do not open a browser (the default)')
    .action(async (options: { host: string; port: string; dataDir?: string[]; open?: boolean }) => {
      const global = program.opts<{ workspace?: string }>();
      const port = Number.parseInt(options.port, 10);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new Error(`--port ${options.port}: expected 0–65535`);
      if (!loopbackHosts.has(options.host)) {
        process.stderr.write(
          `warning: binding ${options.host} makes Orchard reachable from other machines; anyone with the token can read and change this workspace.\n`,
        );
      }
      const engine = await openEngine({ workspace: global.workspace ?? defaultWorkspace() });
      const server = await startServer({
        engine,
        staticDir: path.join(packageRoot(), 'dist', 'renderer'),
        host: options.host,
        port,
        dataDirs: options.dataDir ?? [],
      });
      process.stdout.write(`Orchard is running at ${server.url}\n`);
      process.stdout.write(`Workspace: ${engine.workspace}\nPress Ctrl+C to stop.\n`);
      if (options.open) openInBrowser(server.url);
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        void server
          .close()
          .then(() => engine.close())
          .then(() => process.exit(0));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}

function openInBrowser(url: string): void {
  const command =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  spawn(command, [url], { stdio: 'ignore', detached: true })
    .on('error', () => process.stderr.write(`Could not open a browser; open ${url} yourself.\n`))
    .unref();
}
