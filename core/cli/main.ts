import { Command, Option } from 'commander';
import { columnTypes } from '../contract/index.js';
import type { ColumnType } from '../contract/index.js';
import { registerDataCommands } from './data-commands.js';
import { registerLabelCommands } from './label-commands.js';
import { registerServeCommand } from './serve-command.js';
import { registerTrainingCommands } from './training-commands.js';
import { registerValidateCommands } from './validate-commands.js';
import { reportError } from './session.js';

export function parseColumnTypes(specs: readonly string[]): Record<string, ColumnType> {
  const result: Record<string, ColumnType> = {};
  for (const spec of specs) {
    const at = spec.lastIndexOf('=');
    const column = spec.slice(0, at);
    const type = spec.slice(at + 1) as ColumnType;
    if (at <= 0 || !columnTypes.includes(type)) {
      throw new Error(`--type ${spec}: expected COLUMN=TYPE with TYPE one of ${columnTypes.join(', ')}`);
    }
    result[column] = type;
  }
  return result;
}

export function buildProgram(): Command {
  const program = new Command('orchard')
    .description('Orchard: a local-first workbench for the whole life of a machine-learning model.')
    .addOption(new Option('-w, --workspace <dir>', 'workspace folder (default: $ORCHARD_HOME or ~/.orchard)'))
    .showHelpAfterError();
  registerServeCommand(program);
  registerDataCommands(program);
  registerValidateCommands(program);
  registerTrainingCommands(program);
  registerLabelCommands(program);
  return program;
}

/** Runs the `orchard` command line (bin/orchard.js calls this). */
export async function runCli(argv: readonly string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (error) {
    reportError(error);
  }
}
