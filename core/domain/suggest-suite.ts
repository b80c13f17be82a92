import type { Column, ColumnProfile, DatasetProfile } from '../contract/schemas.js';
import type { Check, SuiteDefinition } from '../contract/validation.js';

/**
 * A starting suite from a version's profile, like Great Expectations' profiler or pandera's schema
 * inference: the data as it is now becomes the expectation, with margins so an ordinary new version
 * passes. Every threshold is a named constant below, with its reason.
 */

/** maxMissingShare = max(observed × 1.5, observed + 0.01), capped at 1. */
export const missingShareFactor = 1.5;
export const missingShareSlack = 0.01;
/** Number ranges widen by 5% of the observed span on each side (not below 0 if nothing was negative). */
export const rangeWidening = 0.05;
/** Row count bounds: ±50% of the observed count. */
export const rowCountSlack = 0.5;
/** allowed_values only for categorical/boolean columns with at most this many distinct values… */
export const maxAllowedValues = 50;
/** Distribution tests: ks (numbers, dates) / chi2 (categories) at p < 0.001 up to this many rows… */
export const maxRowsForSignificanceTests = 100_000;
export const driftPValue = 0.001;
/** …and PSI above 0.25 (Siddiqi's "major shift") beyond it, where any p-value test flags trivia. */
export const driftPsi = 0.25;
/**
 * The profile's distinct count is exact up to 100,000 values and a HyperLogLog estimate above; a
 * column within this share of all-distinct there is taken as an id.
 */
export const approximateUniqueTolerance = 0.03;
const exactDistinctLimit = 100_000;

function missingShareLimit(observed: number): number {
  const limit = Math.min(1, Math.max(observed * missingShareFactor, observed + missingShareSlack));
  // Rounded up to 4 decimals: readable in the editor (0.0452, not 0.045149999999999996), never tighter.
  return Math.min(1, Math.ceil(limit * 10_000 - 1e-9) / 10_000);
}

/** [min, max] widened by `rangeWidening` of the span; integers stay whole, non-negatives stay ≥ 0. */
function widenedRange(min: number, max: number, integer: boolean): { min: number; max: number } {
  const margin = (max - min) * rangeWidening;
  let low = min - margin;
  let high = max + margin;
  if (min >= 0) low = Math.max(0, low);
  if (integer) {
    low = Math.floor(low);
    high = Math.ceil(high);
  } else {
    // Round to 6 significant digits outward, so the file reads well and still contains the data.
    low = roundOutward(low, 'down');
    high = roundOutward(high, 'up');
  }
  return { min: low, max: high };
}

function roundOutward(value: number, direction: 'up' | 'down'): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  const scale = 10 ** (Math.floor(Math.log10(Math.abs(value))) - 5);
  let rounded = Number(value.toPrecision(6));
  if (direction === 'down' && rounded > value) rounded -= scale;
  if (direction === 'up' && rounded < value) rounded += scale;
  return Number(rounded.toPrecision(7));
}

function looksUnique(column: Column, profile: ColumnProfile): boolean {
  if (!['integer', 'text', 'categorical'].includes(column.type) || profile.missing > 0 || profile.count < 2)
    return false;
  if (profile.count <= exactDistinctLimit) return profile.distinct === profile.count;
  return Math.abs(profile.distinct - profile.count) <= profile.count * approximateUniqueTolerance;
}

/** allowed values when the profile saw every one of them (its top values cover all distinct values). */
function allowedValues(column: Column, profile: ColumnProfile): Array<string | boolean> | undefined {
  if (column.type !== 'categorical' && column.type !== 'boolean') return undefined;
  const top = profile.topValues;
  if (
    top === null ||
    profile.distinct > maxAllowedValues ||
    top.length === 0 ||
    top.length < profile.distinct
  )
    return undefined;
  const values = top.map((entry) => entry.value).sort();
  return column.type === 'boolean' ? values.map((value) => value === 'true') : values;
}

/** Suggests a suite for the version `versionId` from its profile and columns (see the constants above). */
export function suggestSuite(profile: DatasetProfile, columns: Column[], versionId: string): SuiteDefinition {
  const checks: Check[] = [];
  const profiles = new Map(profile.columns.map((entry) => [entry.name, entry]));
  if (columns.length > 0)
    checks.push({
      kind: 'columns_present',
      columns: columns.map((column) => column.name),
      severity: 'error',
    });
  const rows = profile.rowCount;
  const useSignificance = rows <= maxRowsForSignificanceTests;
  for (const column of columns) {
    checks.push({ kind: 'column_type', column: column.name, type: column.type, severity: 'error' });
    const stats = profiles.get(column.name);
    if (stats === undefined || rows === 0) continue;
    checks.push({
      kind: 'completeness',
      column: column.name,
      maxMissingShare: missingShareLimit(stats.missing / rows),
      severity: 'error',
    });
    if (
      (column.type === 'integer' || column.type === 'float') &&
      stats.numeric?.min != null &&
      stats.numeric.max != null
    ) {
      const range = widenedRange(stats.numeric.min, stats.numeric.max, column.type === 'integer');
      checks.push({ kind: 'range', column: column.name, ...range, severity: 'error' });
    }
    if (
      (column.type === 'date' || column.type === 'timestamp') &&
      stats.range?.min != null &&
      stats.range.max != null
    ) {
      // The profile keeps milliseconds; a timestamp's max moves up 1 ms so microseconds past it still pass.
      const max =
        column.type === 'timestamp'
          ? new Date(Date.parse(stats.range.max) + 1).toISOString()
          : stats.range.max;
      checks.push({ kind: 'range', column: column.name, min: stats.range.min, max, severity: 'error' });
    }
    const values = allowedValues(column, stats);
    if (values !== undefined)
      checks.push({ kind: 'allowed_values', column: column.name, values, severity: 'error' });
    const unique = looksUnique(column, stats);
    if (unique) checks.push({ kind: 'unique', columns: [column.name], severity: 'error' });
    // An id's distribution says nothing; free text has none to compare.
    if (unique || column.type === 'text' || stats.count === 0) continue;
    const numeric =
      column.type === 'integer' ||
      column.type === 'float' ||
      column.type === 'date' ||
      column.type === 'timestamp';
    if (useSignificance) {
      checks.push({
        kind: 'distribution',
        column: column.name,
        test: numeric ? 'ks' : 'chi2',
        threshold: driftPValue,
        severity: 'warning',
      });
    } else {
      checks.push({
        kind: 'distribution',
        column: column.name,
        test: 'psi',
        threshold: driftPsi,
        severity: 'warning',
      });
    }
  }
  checks.push({
    kind: 'row_count',
    min: Math.floor(rows * (1 - rowCountSlack)),
    max: Math.ceil(rows * (1 + rowCountSlack)),
    severity: 'warning',
  });
  return {
    name: `Suggested from version ${versionId}`.slice(0, 120),
    description: 'Suggested from the profile of the reference version; edit thresholds to taste.',
    referenceVersionId: versionId,
    checks,
  };
}
