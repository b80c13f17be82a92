import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../contract/errors.js';
import { Evaluation } from '../contract/training.js';
import type { ClassificationMetrics, RegressionMetrics } from '../contract/training.js';
import { classificationMetrics, regressionMetrics } from '../domain/metrics/index.js';
import { evaluate } from './evaluate.js';

function binaryProbabilities(positive: readonly number[]): Float32Array {
  return Float32Array.from(positive.flatMap((p) => [1 - p, p]));
}

function classification(metrics: Evaluation['overall']): ClassificationMetrics {
  if (metrics.kind !== 'classification')
    throw new Error(`expected classification metrics, got ${metrics.kind}`);
  return metrics;
}

function regression(metrics: Evaluation['overall']): RegressionMetrics {
  if (metrics.kind !== 'regression') throw new Error(`expected regression metrics, got ${metrics.kind}`);
  return metrics;
}

describe('evaluate, binary with slices worked out by hand', () => {
  //  row  y  p(yes)  predicted  region  plan   segment
  //   0   1  0.90    1          north   basic  vip
  //   1   0  0.30    0          north   basic  std
  //   2   1  0.40    0          north   pro    std
  //   3   0  0.85    1          south   pro    std
  //   4   1  0.80    1          south   pro    vip
  //   5   0  0.20    0          south   basic  std
  const yTrue = [1, 0, 1, 0, 1, 0];
  const positive = [0.9, 0.3, 0.4, 0.85, 0.8, 0.2];
  const slices = {
    region: ['north', 'north', 'north', 'south', 'south', 'south'],
    plan: ['basic', 'basic', 'pro', 'pro', 'pro', 'basic'],
    segment: ['vip', 'std', 'std', 'std', 'vip', 'std'],
  };
  const evaluation = evaluate({
    task: 'binary',
    labels: ['no', 'yes'],
    yTrue,
    probabilities: binaryProbabilities(positive),
    slices,
  });
  const slice = (column: string, value: string) => {
    const found = evaluation.slices.find((s) => s.column === column && s.value === value);
    if (found === undefined) throw new Error(`no slice ${column}=${value}`);
    return { rows: found.rows, metrics: classification(found.metrics) };
  };

  it('fits the contract and lists every value of every column, in column then value order', () => {
    expect(Evaluation.parse(evaluation)).toEqual(evaluation);
    expect(evaluation.split).toBe('test');
    expect(evaluation.rows).toBe(6);
    expect(evaluation.slices.map((s) => [s.column, s.value, s.rows])).toEqual([
      ['region', 'north', 3],
      ['region', 'south', 3],
      ['plan', 'basic', 3],
      ['plan', 'pro', 3],
      ['segment', 'std', 4],
      ['segment', 'vip', 2],
    ]);
  });

  it('overall: 4 of 6 right; positives beat negatives in 7 of 9 pairs', () => {
    // 0.9 beats 0.3, 0.85, 0.2 (3); 0.4 beats 0.3, 0.2 (2); 0.8 beats 0.3, 0.2 (2).
    const overall = classification(evaluation.overall);
    expect(overall.accuracy).toBeCloseTo(4 / 6, 12);
    expect(overall.rocAuc).toBeCloseTo(7 / 9, 12);
    expect(overall.confusionMatrix).toEqual([
      [2, 1],
      [1, 2],
    ]);
  });

  it('region=north: rows 0–2, 2 of 3 right, AUC 1, log loss −(ln .9 + ln .7 + ln .4)/3', () => {
    const { rows, metrics } = slice('region', 'north');
    expect(rows).toBe(3);
    expect(metrics.accuracy).toBeCloseTo(2 / 3, 12);
    expect(metrics.rocAuc).toBe(1);
    expect(metrics.confusionMatrix).toEqual([
      [1, 0],
      [1, 1],
    ]);
    // yes-class recall 1/2, no-class recall 1 → balanced accuracy 3/4.
    expect(metrics.balancedAccuracy).toBeCloseTo(3 / 4, 12);
    expect(metrics.logLoss).toBeCloseTo(-(Math.log(0.9) + Math.log(0.7) + Math.log(0.4)) / 3, 6);
  });

  it('region=south: the positive 0.80 loses to 0.85 and beats 0.20 → AUC ½', () => {
    const { metrics } = slice('region', 'south');
    expect(metrics.rocAuc).toBe(0.5);
    expect(metrics.accuracy).toBeCloseTo(2 / 3, 12);
    // Predicted yes for rows 3 and 4, one right: precision ½, recall 1.
    expect(metrics.perClass[1]).toMatchObject({
      label: 'yes',
      precision: 0.5,
      recall: 1,
      f1: 2 / 3,
      support: 1,
    });
  });

  it('plan=pro: the negative 0.85 outranks both positives → AUC 0, 1 of 3 right', () => {
    const { metrics } = slice('plan', 'pro');
    expect(metrics.rocAuc).toBe(0);
    expect(metrics.accuracy).toBeCloseTo(1 / 3, 12);
  });

  it('segment=vip holds only positives: AUCs and ROC curve are null, the rest still computed', () => {
    const { rows, metrics } = slice('segment', 'vip');
    expect(rows).toBe(2);
    expect(metrics.rocAuc).toBeNull();
    expect(metrics.prAuc).toBeNull();
    expect(metrics.rocCurve).toBeNull();
    expect(metrics.accuracy).toBe(1);
    expect(metrics.perClass.map((c) => c.support)).toEqual([0, 2]);
    expect(metrics.balancedAccuracy).toBe(1);
  });

  it('segment=std: positive 0.4 beats 0.3 and 0.2, loses to 0.85 → AUC 2/3; 2 of 4 right', () => {
    const { metrics } = slice('segment', 'std');
    expect(metrics.rocAuc).toBeCloseTo(2 / 3, 12);
    expect(metrics.accuracy).toBe(0.5);
  });

  it('gives each slice exactly the metrics of its rows computed on their own', () => {
    for (const s of evaluation.slices) {
      const rows = slices[s.column as keyof typeof slices].flatMap((v, i) => (v === s.value ? [i] : []));
      expect(s.metrics).toEqual(
        classificationMetrics(
          rows.map((i) => yTrue[i]!),
          binaryProbabilities(rows.map((i) => positive[i]!)),
          ['no', 'yes'],
        ),
      );
    }
  });
});

describe('evaluate, multiclass and regression', () => {
  it('computes macro one-vs-rest AUC overall and null in a slice missing a class', () => {
    const probabilities = Float32Array.from(
      [
        [0.7, 0.2, 0.1],
        [0.1, 0.8, 0.1],
        [0.2, 0.2, 0.6],
        [0.3, 0.4, 0.3],
        [0.5, 0.25, 0.25],
        [0.1, 0.3, 0.6],
      ].flat(),
    );
    const evaluation = evaluate({
      task: 'multiclass',
      labels: ['cat', 'dog', 'bird'],
      yTrue: Int32Array.from([0, 1, 2, 0, 1, 2]),
      probabilities,
      slices: { site: ['a', 'a', 'a', 'b', 'b', 'c'] },
    });
    expect(Evaluation.parse(evaluation)).toEqual(evaluation);
    expect(classification(evaluation.overall).rocAuc).not.toBeNull();
    expect(classification(evaluation.overall).rocCurve).toBeNull();
    const bySite = Object.fromEntries(evaluation.slices.map((s) => [s.value, classification(s.metrics)]));
    expect(bySite.a!.rocAuc).toBe(1); // each class's own row has its column's highest score
    expect(bySite.b!.rocAuc).toBeNull(); // no bird in site b
    expect(bySite.c!.rocAuc).toBeNull();
    expect(bySite.b!.accuracy).toBe(0); // predicted dog, cat for cat, dog
  });

  it('evaluates a regression overall and per slice', () => {
    const yTrue = [1, 2, 3, 10, 20];
    const predictions = Float64Array.from([1, 2, 4, 12, 18]);
    const evaluation = evaluate({
      task: 'regression',
      labels: null,
      yTrue,
      predictions,
      slices: { size: ['small', 'small', 'small', 'large', 'large'] },
    });
    expect(Evaluation.parse(evaluation)).toEqual(evaluation);
    expect(evaluation.overall).toEqual(regressionMetrics(yTrue, predictions));
    const large = regression(evaluation.slices.find((s) => s.value === 'large')!.metrics);
    expect(large.mae).toBe(2);
    expect(large.rmse).toBe(2);
    expect(large.r2).toBeCloseTo(1 - 8 / 50, 12); // SS_res 4 + 4, mean 15 → SS_tot 25 + 25
    const small = regression(evaluation.slices.find((s) => s.value === 'small')!.metrics);
    expect(small.mae).toBeCloseTo(1 / 3, 12);
    expect(evaluation.slices.map((s) => s.value)).toEqual(['large', 'small']);
  });

  it('works without slice columns', () => {
    const evaluation = evaluate({ task: 'regression', yTrue: [1, 2], predictions: [1, 2], slices: {} });
    expect(evaluation.slices).toEqual([]);
    expect(regression(evaluation.overall).r2).toBe(1);
  });

  it('refuses a slice column of the wrong length, a binary model with three labels and an empty split', () => {
    const probabilities = binaryProbabilities([0.2, 0.8]);
    expect(() =>
      evaluate({
        task: 'binary',
        labels: ['no', 'yes'],
        yTrue: [0, 1],
        probabilities,
        slices: { city: ['x'] },
      }),
    ).toThrow(/Slice column `city` has 1 values for 2 test rows/);
    expect(() =>
      evaluate({
        task: 'binary',
        labels: ['a', 'b', 'c'],
        yTrue: [0, 1],
        probabilities: Float32Array.from([1, 0, 0, 0, 1, 0]),
        slices: {},
      }),
    ).toThrow(InvalidInputError);
    expect(() =>
      evaluate({ task: 'regression', labels: null, yTrue: [], predictions: [], slices: {} }),
    ).toThrow(/test split is empty/);
  });
});
