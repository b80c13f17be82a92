/*
 * Batch norm's loops for the dense training step (dense-step.ts), in WebAssembly SIMD: four
 * columns (units) at a time down the rows of a row-major rows × cols matrix, scalar loops for the
 * last cols % 4. Sums are kept in float64 (two f64x2 lanes per f32x4), so a variance taken as
 * E[x²] − E[x]² keeps float32 precision even when the mean is large against the spread.
 */
#include "kernels.h"

/* Adds the four float32 lanes of v, as float64, to the column sums lo (lanes 0, 1) and hi (2, 3). */
static inline void add_wide(v128_t *lo, v128_t *hi, v128_t v) {
  *lo = wasm_f64x2_add(*lo, wasm_f64x2_promote_low_f32x4(v));
  *hi = wasm_f64x2_add(*hi, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1)));
}

/* Stores four columns' float64 sums (lo, hi) at p. */
static inline void store_wide(double *p, v128_t lo, v128_t hi) {
  wasm_v128_store(p, lo);
  wasm_v128_store(p + 2, hi);
}

/* sums[j] = Σ_r x[r][j] and squares[j] = Σ_r x[r][j]² (doubles). */
EXPORT("column_moments")
void column_moments(const f32 *x, double *sums, double *squares, int rows, int cols) {
  int j = 0;
  for (; j + 4 <= cols; j += 4) {
    v128_t s0 = wasm_f64x2_splat(0), s1 = s0, q0 = s0, q1 = s0;
    for (int r = 0; r < rows; r++) {
      v128_t v = wasm_v128_load(x + r * cols + j);
      v128_t lo = wasm_f64x2_promote_low_f32x4(v);
      v128_t hi = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
      s0 = wasm_f64x2_add(s0, lo);
      s1 = wasm_f64x2_add(s1, hi);
      // Squared in float64: the variance is E[x²] − E[x]², which float32 squares would not keep.
      q0 = wasm_f64x2_add(q0, wasm_f64x2_mul(lo, lo));
      q1 = wasm_f64x2_add(q1, wasm_f64x2_mul(hi, hi));
    }
    store_wide(sums + j, s0, s1);
    store_wide(squares + j, q0, q1);
  }
  for (; j < cols; j++) {
    double s = 0, q = 0;
    for (int r = 0; r < rows; r++) {
      double v = x[r * cols + j];
      s += v;
      q += v * v;
    }
    sums[j] = s;
    squares[j] = q;
  }
}

/*
 * In place over z: xhat = (z − mean) · inv_std, z = gamma · xhat + beta, then relu when asked;
 * xhat is kept for the backward pass.
 */
EXPORT("batch_norm_apply")
void batch_norm_apply(f32 *z, f32 *xhat, const f32 *mean, const f32 *inv_std, const f32 *gamma,
                      const f32 *beta, int rows, int cols, int relu) {
  const v128_t zero = wasm_f32x4_splat(0);
  for (int r = 0; r < rows; r++) {
    f32 *row = z + r * cols;
    f32 *normed = xhat + r * cols;
    int j = 0;
    for (; j + 4 <= cols; j += 4) {
      v128_t n = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(row + j), wasm_v128_load(mean + j)),
                                wasm_v128_load(inv_std + j));
      wasm_v128_store(normed + j, n);
      v128_t y = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(gamma + j), n), wasm_v128_load(beta + j));
      wasm_v128_store(row + j, relu ? wasm_f32x4_max(y, zero) : y);
    }
    for (; j < cols; j++) {
      f32 n = (row[j] - mean[j]) * inv_std[j];
      normed[j] = n;
      f32 y = gamma[j] * n + beta[j];
      row[j] = relu && y < 0 ? 0 : y;
    }
  }
}

/* dbeta[j] = Σ_r g[r][j] and dgamma[j] = Σ_r g[r][j] · xhat[r][j] (doubles). */
EXPORT("batch_norm_grad_sums")
void batch_norm_grad_sums(const f32 *g, const f32 *xhat, double *dbeta, double *dgamma, int rows, int cols) {
  int j = 0;
  for (; j + 4 <= cols; j += 4) {
    v128_t b0 = wasm_f64x2_splat(0), b1 = b0, g0 = b0, g1 = b0;
    for (int r = 0; r < rows; r++) {
      v128_t v = wasm_v128_load(g + r * cols + j);
      add_wide(&b0, &b1, v);
      add_wide(&g0, &g1, wasm_f32x4_mul(v, wasm_v128_load(xhat + r * cols + j)));
    }
    store_wide(dbeta + j, b0, b1);
    store_wide(dgamma + j, g0, g1);
  }
  for (; j < cols; j++) {
    double b = 0, s = 0;
    for (int r = 0; r < rows; r++) {
      b += g[r * cols + j];
      s += (double)(g[r * cols + j] * xhat[r * cols + j]);
    }
    dbeta[j] = b;
    dgamma[j] = s;
  }
}

/* In place over g: g = scale · (g − shift − xhat · slope), per column's scale, shift and slope. */
EXPORT("batch_norm_grad_apply")
void batch_norm_grad_apply(f32 *g, const f32 *xhat, const f32 *scale, const f32 *shift, const f32 *slope,
                           int rows, int cols) {
  for (int r = 0; r < rows; r++) {
    f32 *row = g + r * cols;
    const f32 *normed = xhat + r * cols;
    int j = 0;
    for (; j + 4 <= cols; j += 4) {
      v128_t inner = wasm_f32x4_sub(
          wasm_f32x4_sub(wasm_v128_load(row + j), wasm_v128_load(shift + j)),
          wasm_f32x4_mul(wasm_v128_load(normed + j), wasm_v128_load(slope + j)));
      wasm_v128_store(row + j, wasm_f32x4_mul(wasm_v128_load(scale + j), inner));
    }
    for (; j < cols; j++) row[j] = scale[j] * (row[j] - shift[j] - normed[j] * slope[j]);
  }
}
