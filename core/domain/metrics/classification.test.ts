import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../contract/errors.js';
import { ClassificationMetrics } from '../../contract/training.js';
import { classificationMetrics, logLossEpsilon, predictedClasses } from './classification.js';
import reference from './fixtures/sklearn-reference.json' with { type: 'json' };

/** |actual − expected| ≤ tolerance · max(1, |expected|). */
function expectClose(actual: number | null | undefined, expected: number, tolerance = 1e-9): void {
  expect(actual).toBeTypeOf('number');
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected)));
}

function expectAllClose(actual: readonly number[], expected: readonly number[], tolerance = 1e-9): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => expectClose(value, expected[i]!, tolerance));
}

describe('classificationMetrics against scikit-learn 1.2', () => {
  it('covers binary, imbalanced, single-class and multiclass cases', () => {
    expect(reference.classification.map((c) => c.name)).toEqual([
      'binary_ties',
      'binary_imbalanced',
      'binary_one_class',
      'multiclass_3',
      'multiclass_4_never_predicted',
      'multiclass_3_absent_class',
    ]);
  });

  describe.each(reference.classification)('$name ($note)', (testCase) => {
    const expected = testCase.expected;
    const metrics = classificationMetrics(
      testCase.yTrue,
      Float32Array.from(testCase.probabilities),
      testCase.labels,
    );

    it('reads the fixture probabilities back as the exact float32 values sklearn saw', () => {
      expect(Array.from(Float32Array.from(testCase.probabilities))).toEqual(testCase.probabilities);
    });

    it('fits the contract schema', () => {
      expect(ClassificationMetrics.parse(metrics)).toEqual(metrics);
    });

    it('accuracy_score, balanced_accuracy_score and confusion_matrix', () => {
      expectClose(metrics.accuracy, expected.accuracy);
      expectClose(metrics.balancedAccuracy, expected.balancedAccuracy);
      expect(metrics.confusionMatrix).toEqual(expected.confusionMatrix);
    });

    it('precision_recall_fscore_support per class, macro and weighted (zero_division=0)', () => {
      expect(metrics.perClass.map((c) => c.label)).toEqual(testCase.labels);
      expectAllClose(
        metrics.perClass.map((c) => c.precision),
        expected.precision,
      );
      expectAllClose(
        metrics.perClass.map((c) => c.recall),
        expected.recall,
      );
      expectAllClose(
        metrics.perClass.map((c) => c.f1),
        expected.f1,
      );
      expect(metrics.perClass.map((c) => c.support)).toEqual(expected.support);
      for (const average of ['macro', 'weighted'] as const) {
        expectClose(metrics[average].precision, expected[average].precision);
        expectClose(metrics[average].recall, expected[average].recall);
        expectClose(metrics[average].f1, expected[average].f1);
      }
    });

    it('roc_auc_score (ovr, macro) and average_precision_score, null where sklearn raises', () => {
      if (expected.rocAuc === null) expect(metrics.rocAuc).toBeNull();
      else expectClose(metrics.rocAuc, expected.rocAuc);
      if (expected.prAuc === null) expect(metrics.prAuc).toBeNull();
      else expectClose(metrics.prAuc, expected.prAuc);
    });

    it('log_loss with float32 epsilon, in float64 (1e-9) and as sklearn computes on float32 (1e-6)', () => {
      expectClose(metrics.logLoss, expected.logLoss);
      expectClose(metrics.logLoss, expected.logLossFloat32, 1e-6);
    });

    it('calibration_curve (uniform, 10 bins, empty bins dropped) and its ECE', () => {
      const bins = metrics.calibration.bins;
      expectAllClose(
        bins.map((b) => b.meanPredicted),
        expected.calibration.meanPredicted,
      );
      expectAllClose(
        bins.map((b) => b.fractionPositive),
        expected.calibration.fractionPositive,
      );
      expect(bins.map((b) => b.count)).toEqual(expected.calibration.count);
      expectClose(metrics.calibration.ece, expected.calibration.ece);
    });

    it('roc_curve (drop_intermediate=True) for binary, null otherwise', () => {
      if (expected.rocCurve === null) {
        expect(metrics.rocCurve).toBeNull();
        return;
      }
      expect(metrics.rocCurve).not.toBeNull();
      expectAllClose(
        metrics.rocCurve!.map((p) => p.fpr),
        expected.rocCurve.fpr,
      );
      expectAllClose(
        metrics.rocCurve!.map((p) => p.tpr),
        expected.rocCurve.tpr,
      );
    });
  });
});

describe('classificationMetrics conventions', () => {
  it('works a tiny binary case out by hand', () => {
    // Scores of the positive class: positives 0.9, 0.6, 0.4; negatives 0.6, 0.2.
    // Pairs (pos > neg) + ½ ties: 0.9 beats both (2), 0.6 ties 0.6 (½) and beats 0.2 (1), 0.4 beats 0.2 (1) → 4.5 / 6.
    // AP: thresholds 0.9 (tp 1, fp 0, P=1), 0.6 (tp 2, fp 1, P=2/3), 0.4 (tp 3, fp 1, P=3/4) → (1 + 2/3 + 3/4) / 3.
    const yTrue = [1, 1, 1, 0, 0];
    const positive = [0.9, 0.6, 0.4, 0.6, 0.2];
    const probabilities = Float32Array.from(positive.flatMap((p) => [1 - p, p]));
    const metrics = classificationMetrics(yTrue, probabilities, ['no', 'yes']);
    expectClose(metrics.rocAuc, 4.5 / 6, 1e-7);
    expectClose(metrics.prAuc, (1 + 2 / 3 + 3 / 4) / 3, 1e-7);
    // Predicted (argmax): yes, yes, no, yes, no → TP 2, FN 1, FP 1, TN 1.
    expect(metrics.confusionMatrix).toEqual([
      [1, 1],
      [1, 2],
    ]);
    expectClose(metrics.accuracy, 3 / 5);
    expectClose(metrics.perClass[1]!.precision, 2 / 3);
    expectClose(metrics.perClass[1]!.recall, 2 / 3);
    expectClose(metrics.balancedAccuracy, (1 / 2 + 2 / 3) / 2);
    expect(metrics.rocCurve).toEqual([
      { fpr: 0, tpr: 0 },
      { fpr: 0, tpr: 1 / 3 },
      { fpr: 0.5, tpr: 2 / 3 },
      { fpr: 0.5, tpr: 1 },
      { fpr: 1, tpr: 1 },
    ]);
  });

  it('predicts the first of tied classes, like np.argmax', () => {
    expect(Array.from(predictedClasses(Float32Array.from([0.5, 0.5, 0.2, 0.4, 0.4]), 5))).toEqual([0]);
    expect(Array.from(predictedClasses(Float32Array.from([0.1, 0.45, 0.45, 0.3, 0.3, 0.4]), 3))).toEqual([
      1, 2,
    ]);
  });

  it('caps the loss of a confidently wrong row at −log(ε)', () => {
    const metrics = classificationMetrics([1], Float32Array.from([1, 0]), ['a', 'b']);
    expectClose(metrics.logLoss, -Math.log(logLossEpsilon / (1 - logLossEpsilon + logLossEpsilon)));
  });

  it('gives a one-row slice finite numbers and null AUCs', () => {
    const metrics = classificationMetrics([2], Float32Array.from([0.2, 0.3, 0.5]), ['a', 'b', 'c']);
    expect(ClassificationMetrics.parse(metrics)).toEqual(metrics);
    expect(metrics.rocAuc).toBeNull();
    expect(metrics.prAuc).toBeNull();
    expect(metrics.accuracy).toBe(1);
    expect(metrics.macro.recall).toBeCloseTo(1 / 3, 12);
  });

  it('refuses inconsistent input with a message that says what to fix', () => {
    const labels = ['a', 'b'];
    expect(() => classificationMetrics([0, 1], Float32Array.from([0.5, 0.5, 1]), labels)).toThrow(
      /Expected 2 rows × 2 classes = 4 probabilities, got 3/,
    );
    expect(() => classificationMetrics([0, 2], Float32Array.from([0.5, 0.5, 0.5, 0.5]), labels)).toThrow(
      InvalidInputError,
    );
    expect(() => classificationMetrics([0, 1], Float32Array.from([0.5, 0.5, NaN, 0.5]), labels)).toThrow(
      /Row 1 has probability NaN for class 'a'/,
    );
    expect(() => classificationMetrics([], new Float32Array(0), labels)).toThrow(/test split is empty/);
    expect(() => classificationMetrics([0], Float32Array.from([1]), ['a'])).toThrow(/at least two labels/);
  });

  it('handles a million binary rows and a million 5-class rows in well under a few seconds', () => {
    let state = 12345;
    const random = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 2 ** 32;
    };
    const n = 1_000_000;
    const yBinary = new Int32Array(n);
    const binary = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      yBinary[i] = random() < 0.3 ? 1 : 0;
      const p = Math.min(1, Math.max(0, 0.3 + 0.3 * yBinary[i]! + 0.2 * (random() - 0.5)));
      binary[2 * i] = 1 - p;
      binary[2 * i + 1] = p;
    }
    let started = performance.now();
    const binaryMetrics = classificationMetrics(yBinary, binary, ['no', 'yes']);
    const binarySeconds = (performance.now() - started) / 1000;
    expect(binaryMetrics.rocAuc).toBeGreaterThan(0.9);
    expect(binaryMetrics.rocCurve!.length).toBeLessThanOrEqual(200);

    const k = 5;
    const yMulti = new Int32Array(n);
    const multi = new Float32Array(k * n);
    for (let i = 0; i < n; i++) {
      yMulti[i] = Math.floor(random() * k);
      let sum = 0;
      for (let c = 0; c < k; c++) {
        const w = random() + (c === yMulti[i] ? 0.8 : 0);
        multi[i * k + c] = w;
        sum += w;
      }
      for (let c = 0; c < k; c++) multi[i * k + c]! /= sum;
    }
    started = performance.now();
    const multiMetrics = classificationMetrics(yMulti, multi, ['a', 'b', 'c', 'd', 'e']);
    const multiSeconds = (performance.now() - started) / 1000;
    expect(multiMetrics.rocAuc).toBeGreaterThan(0.7);
    // Generous bounds: they catch an accidental O(n²), not a slow machine.
    expect(binarySeconds).toBeLessThan(5);
    expect(multiSeconds).toBeLessThan(15);
  });
});
