import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { quoteIdent } from '../../data/sql.js';
import type { Relation } from './encode.js';
import { datePartSql, finiteNumberSql } from './encode.js';
import type { FeatureStep, FittedPipeline, Scaling } from './pipeline.js';
import {
  dateParts,
  maxCategories,
  maxOtherValues,
  pipelineFeatureNames,
  pipelineVersion,
} from './pipeline.js';

/** One input column and how it is encoded; the plan before statistics are known. */
export interface FeaturePlan {
  readonly column: string;
  readonly kind: FeatureStep['kind'];
  readonly type: FeatureStep['type'];
}

/** A number from an aggregate: DuckDB answers BIGINT/HUGEINT as bigint and an empty aggregate as null. */
function toNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const number = typeof value === 'bigint' ? Number(value) : Number(value);
  return Number.isFinite(number) ? number : null;
}

function whereOf(relation: Relation, ...more: string[]): string {
  const clauses = [...(relation.where === undefined ? [] : [relation.where]), ...more];
  return clauses.length === 0 ? '' : ` WHERE ${clauses.map((clause) => `(${clause})`).join(' AND ')}`;
}

/** The numeric expressions that are imputed and standardised: one per numeric input, four per date. */
function scaledInputs(plans: readonly FeaturePlan[]): { plan: number; sql: string }[] {
  return plans.flatMap((plan, index) => {
    const ident = quoteIdent(plan.column);
    if (plan.kind === 'numeric') return [{ plan: index, sql: finiteNumberSql(ident) }];
    if (plan.kind === 'date')
      return dateParts.map((part) => ({ plan: index, sql: datePartSql(ident, part) }));
    return [];
  });
}

export interface FitResult {
  readonly pipeline: FittedPipeline;
  readonly warnings: string[];
}

/**
 * Learns the pipeline's statistics from `train` with DuckDB aggregates: medians first, then mean
 * and standard deviation of the imputed values (so they describe exactly what the model sees),
 * then each categorical input's value counts.
 */
export async function fitPipeline(
  connection: DuckDBConnection,
  plans: readonly FeaturePlan[],
  train: Relation,
): Promise<FitResult> {
  const warnings: string[] = [];
  const scaled = scaledInputs(plans);
  const booleans = plans.flatMap((plan, index) => (plan.kind === 'boolean' ? [index] : []));
  const params = [...train.params];

  const firstList = [
    'count(*)',
    ...scaled.map((input) => `median(${input.sql})`),
    ...booleans.map((index) => `avg(CAST(${quoteIdent(plans[index]?.column ?? '')} AS DOUBLE))`),
  ];
  const first =
    (
      await connection.runAndReadAll(
        `SELECT ${firstList.join(', ')} FROM ${train.from}${whereOf(train)}`,
        params,
      )
    ).getRows()[0] ?? [];
  const trainRows = toNumber(first[0]) ?? 0;
  const medians = scaled.map((_, index) => toNumber(first[1 + index]) ?? 0);
  const fills = booleans.map((_, index) => toNumber(first[1 + scaled.length + index]) ?? 0);

  const scalings: Scaling[] = [];
  if (scaled.length > 0) {
    const secondParams: DuckDBValue[] = [...params];
    const secondList = scaled.flatMap((input, index) => {
      secondParams.push(medians[index] ?? 0);
      const imputed = `COALESCE(${input.sql}, $${secondParams.length})`;
      return [`avg(${imputed})`, `stddev_pop(${imputed})`];
    });
    const second =
      (
        await connection.runAndReadAll(
          `SELECT ${secondList.join(', ')} FROM ${train.from}${whereOf(train)}`,
          secondParams,
        )
      ).getRows()[0] ?? [];
    scaled.forEach((_, index) => {
      const std = toNumber(second[2 * index + 1]);
      scalings.push({
        median: medians[index] ?? 0,
        mean: toNumber(second[2 * index]) ?? 0,
        // A constant input carries no information; dividing by 1 keeps it finite (all zeros).
        std: std === null || std === 0 ? 1 : std,
      });
    });
  }

  const steps: FeatureStep[] = [];
  let scaledAt = 0;
  let booleanAt = 0;
  for (const plan of plans) {
    if (plan.kind === 'numeric') {
      steps.push({
        kind: 'numeric',
        column: plan.column,
        type: plan.type === 'integer' ? 'integer' : 'float',
        scaling: scalings[scaledAt] as Scaling,
      });
      scaledAt += 1;
    } else if (plan.kind === 'date') {
      const parts = dateParts.map((part, index) => ({
        part,
        scaling: scalings[scaledAt + index] as Scaling,
      }));
      steps.push({
        kind: 'date',
        column: plan.column,
        type: plan.type === 'timestamp' ? 'timestamp' : 'date',
        parts,
      });
      scaledAt += dateParts.length;
    } else if (plan.kind === 'boolean') {
      steps.push({ kind: 'boolean', column: plan.column, type: 'boolean', fill: fills[booleanAt] ?? 0 });
      booleanAt += 1;
    } else {
      const ident = quoteIdent(plan.column);
      const reader = await connection.runAndReadAll(
        `SELECT CAST(${ident} AS VARCHAR) AS value, count(*) AS n FROM ${train.from}` +
          `${whereOf(train, `${ident} IS NOT NULL`)} GROUP BY 1 ORDER BY n DESC, value LIMIT ${maxCategories + maxOtherValues + 1}`,
        params,
      );
      const values = reader.getRows().map((row) => String(row[0]));
      const categories = values.slice(0, maxCategories);
      const otherValues = values.slice(maxCategories, maxCategories + maxOtherValues);
      if (values.length > maxCategories) {
        warnings.push(
          `\`${plan.column}\` has ${values.length > maxCategories + maxOtherValues ? `more than ${maxCategories + maxOtherValues}` : values.length} values in the training rows; ` +
            `the ${maxCategories} most frequent get a feature each and the rest share \`${plan.column}=(other)\`.`,
        );
      }
      steps.push({ kind: 'categorical', column: plan.column, type: 'categorical', categories, otherValues });
    }
  }
  return {
    pipeline: {
      version: pipelineVersion,
      steps,
      featureNames: pipelineFeatureNames(steps),
      trainRows,
    },
    warnings,
  };
}
