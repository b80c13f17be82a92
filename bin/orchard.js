#!/usr/bin/env node
// The `orchard` command: runs the compiled CLI (`npm ci` builds it through the `prepare` script).
import { runCli } from '../dist/core/cli/main.js';

await runCli(process.argv);
