/**
 * Validation metrics computed in JavaScript from the validation logits, once per epoch (one
 * download per epoch rather than a device sync per batch). Losses are computed from logits with
 * the numerically stable forms, in float64.
 */
import { rankCurve, rocAucOf } from '../../domain/metrics/ranking.js';
import type { OutputKind } from './build.js';

/**
 * `logits` holds n rows of `width` values (1 for sigmoid and linear outputs, k for softmax);
 * `y` holds the class index (classification) or the target value (regression).
 */
export function validationMetrics(
  output: OutputKind,
  logits: Float32Array,
  y: Float32Array,
  n: number,
  width: number,
): Record<string, number> {
  if (n === 0) return {};
  switch (output) {
    case 'sigmoid': {
      let loss = 0;
      let correct = 0;
      for (let i = 0; i < n; i++) {
        const z = logits[i]!;
        const label = y[i]!;
        // log(1 + e^−|z|) + max(z, 0) − z·y: binary cross-entropy of sigmoid(z) without overflow.
        loss += Math.max(z, 0) - z * label + Math.log1p(Math.exp(-Math.abs(z)));
        if ((z > 0 ? 1 : 0) === label) correct++;
      }
      const auc = rocAucOf(
        rankCurve(
          n,
          (i) => logits[i]!,
          (i) => y[i] === 1,
        ),
      );
      const metrics: Record<string, number> = { loss: loss / n, accuracy: correct / n };
      if (auc !== null) metrics['auc'] = auc;
      return metrics;
    }
    case 'softmax': {
      let loss = 0;
      let correct = 0;
      for (let i = 0; i < n; i++) {
        const row = i * width;
        let best = 0;
        let max = -Infinity;
        for (let c = 0; c < width; c++) {
          const z = logits[row + c]!;
          if (z > max) {
            max = z;
            best = c;
          }
        }
        let sum = 0;
        for (let c = 0; c < width; c++) sum += Math.exp(logits[row + c]! - max);
        const label = y[i]!;
        loss += max + Math.log(sum) - logits[row + label]!;
        if (best === label) correct++;
      }
      return { loss: loss / n, accuracy: correct / n };
    }
    case 'linear': {
      let squared = 0;
      for (let i = 0; i < n; i++) {
        const error = logits[i]! - y[i]!;
        squared += error * error;
      }
      return { loss: squared / n, rmse: Math.sqrt(squared / n) };
    }
  }
}
