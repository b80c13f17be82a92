import { InvalidInputError } from '../../contract/errors.js';
import type { Column } from '../../contract/schemas.js';
import type { TrainingConfig } from '../../contract/training.js';
import { rowIdColumn } from '../../data/column-types.js';
import type { FeaturePlan } from './fit.js';

export type TabularTask = 'binary' | 'multiclass' | 'regression';

export interface ResolvedColumns {
  readonly task: TabularTask;
  readonly target: Column;
  readonly plans: FeaturePlan[];
  readonly warnings: string[];
}

function listNames(columns: readonly Column[]): string {
  return columns.map((column) => `\`${column.name}\``).join(', ');
}

function planOf(column: Column): FeaturePlan | null {
  switch (column.type) {
    case 'integer':
    case 'float':
      return { column: column.name, kind: 'numeric', type: column.type };
    case 'boolean':
      return { column: column.name, kind: 'boolean', type: 'boolean' };
    case 'date':
    case 'timestamp':
      return { column: column.name, kind: 'date', type: column.type };
    case 'categorical':
      return { column: column.name, kind: 'categorical', type: 'categorical' };
    case 'text':
      return null;
  }
}

/** Checks the target and feature columns against the dataset version and decides how each input is encoded. */
export function resolveColumns(allColumns: readonly Column[], config: TrainingConfig): ResolvedColumns {
  const columns = allColumns.filter((column) => column.name !== rowIdColumn);
  const task = config.task;
  if (task === 'image_classification') {
    throw new InvalidInputError(
      'Image classification does not use tabular training data; use the image pipeline.',
      {
        task,
      },
    );
  }
  const target = columns.find((column) => column.name === config.target.column);
  if (target === undefined) {
    throw new InvalidInputError(
      `The target column \`${config.target.column}\` is not in this dataset version. Columns: ${listNames(columns)}.`,
      { column: config.target.column, columns: columns.map((column) => column.name) },
    );
  }
  if (task === 'regression' && target.type !== 'integer' && target.type !== 'float') {
    throw new InvalidInputError(
      `Regression needs a numeric target, but \`${target.name}\` is ${target.type}. ` +
        'Choose a numeric target, or train a binary or multiclass classifier on it.',
      { column: target.name, type: target.type },
    );
  }
  const warnings: string[] = [];
  let chosen: Column[];
  if (config.features === undefined) {
    chosen = columns.filter((column) => column.name !== target.name);
  } else {
    const names = [...new Set(config.features)];
    const unknown = names.filter((name) => !columns.some((column) => column.name === name));
    if (unknown.length > 0) {
      throw new InvalidInputError(
        `Unknown feature column${unknown.length === 1 ? '' : 's'} ${unknown.map((name) => `\`${name}\``).join(', ')}. ` +
          `Columns: ${listNames(columns)}.`,
        { unknown, columns: columns.map((column) => column.name) },
      );
    }
    if (names.includes(target.name)) {
      throw new InvalidInputError(
        `The target \`${target.name}\` cannot also be a feature: the model would read the answer. Remove it from features.`,
        { column: target.name },
      );
    }
    chosen = names.map((name) => columns.find((column) => column.name === name) as Column);
  }
  const text = chosen.filter((column) => column.type === 'text');
  if (text.length > 0) {
    warnings.push(
      `Text column${text.length === 1 ? '' : 's'} ${listNames(text)} ${text.length === 1 ? 'is' : 'are'} not used as features: ` +
        'free text has too many distinct values to one-hot. Re-import a column as categorical if its values repeat.',
    );
  }
  const plans = chosen.map(planOf).filter((plan): plan is FeaturePlan => plan !== null);
  if (plans.length === 0) {
    throw new InvalidInputError(
      `No usable feature columns: ${chosen.length === 0 ? 'the dataset has only the target' : 'every chosen column is text'}. ` +
        'Choose numeric, boolean, date or categorical columns as features.',
      { features: chosen.map((column) => column.name) },
    );
  }
  return { task, target, plans, warnings };
}
