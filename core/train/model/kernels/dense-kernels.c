/*
 * The matrix products of the dense training step (`../dense-step.ts`), for WebAssembly with
 * 128-bit SIMD. Built by `build-kernels.sh` (clang --target=wasm32 -msimd128) into
 * `kernels-wasm.ts` (with `conv-kernels.c`); no libc, no allocation: every pointer is an offset into the module's
 * memory, which the step lays out once.
 *
 * Why not the products of tfjs' wasm backend: XNNPACK's fully-connected operator packs its second
 * operand on every call, and in a backward pass that operand is a fresh batch-sized matrix (the
 * layer's input or its gradient), so a quarter of the step went to packing; the weight-gradient
 * products also needed a transpose first. Here the weight gradient is read straight from the
 * row-major input and gradient (`matmul_tn`), and the relu mask of the backward pass is applied as
 * the product is stored.
 *
 * Register blocking: 4 rows × 8 columns of the output in 8 v128 accumulators (x86-64 has 16 vector
 * registers; 4 × 16 spilled). Without fused multiply-add in baseline wasm SIMD each step of the
 * inner loop is 8 multiplies and 8 adds on 4 splat loads and 2 vector loads. Tails (fewer than 4
 * rows, fewer than 8 columns) take narrower blocks and then scalar loops, so any shape is exact.
 * Sums run over k in order, in float32.
 */
#include "kernels.h"

/* The 4 × 8 block of C in eight accumulators (cRC: row R, columns 4C … 4C + 3). */
#define ZERO_4X8                                                                                      \
  v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00;                                 \
  v128_t c20 = c00, c21 = c00, c30 = c00, c31 = c00

/* One step of the inner loop: rows x0 … x3 (splats) times the 8 columns b0, b1. */
#define ACCUMULATE_4X8(x0, x1, x2, x3, b0, b1)                                                        \
  do {                                                                                                 \
    c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(x0, b0));                                                 \
    c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(x0, b1));                                                 \
    c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(x1, b0));                                                 \
    c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(x1, b1));                                                 \
    c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(x2, b0));                                                 \
    c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(x2, b1));                                                 \
    c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(x3, b0));                                                 \
    c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(x3, b1));                                                 \
  } while (0)

static inline v128_t splat(const f32 *p) { return wasm_v128_load32_splat(p); }

/* The epilogue of a block: bias, then relu or the mask of the layer below (1 where mask > 0). */
static inline v128_t finish(v128_t acc, const f32 *bias, const f32 *mask, int relu) {
  if (bias) acc = wasm_f32x4_add(acc, wasm_v128_load(bias));
  if (relu) acc = wasm_f32x4_max(acc, wasm_f32x4_splat(0.0f));
  if (mask) acc = wasm_v128_and(acc, wasm_f32x4_gt(wasm_v128_load(mask), wasm_f32x4_splat(0.0f)));
  return acc;
}

static inline f32 finish1(f32 acc, const f32 *bias, const f32 *mask, int relu) {
  if (bias) acc += *bias;
  if (relu) acc = acc > 0.0f ? acc : 0.0f;
  if (mask) acc = *mask > 0.0f ? acc : 0.0f;
  return acc;
}

/*
 * c[m×n] = a[m×k] · b[k×n], all row-major; then + bias[n] (when bias is not null), then relu
 * (when relu is not 0), then times (mask[m×n] > 0) (when mask is not null).
 */
EXPORT("matmul")
void matmul(const f32 *a, const f32 *b, f32 *c, int m, int k, int n, const f32 *bias, const f32 *mask,
            int relu) {
  int i = 0;
  for (; i + 4 <= m; i += 4) {
    const f32 *a0 = a + i * k, *a1 = a0 + k, *a2 = a1 + k, *a3 = a2 + k;
    int j = 0;
    for (; j + 8 <= n; j += 8) {
      ZERO_4X8;
      const f32 *bk = b + j;
      for (int p = 0; p < k; p++, bk += n) {
        v128_t b0 = wasm_v128_load(bk), b1 = wasm_v128_load(bk + 4);
        v128_t x0 = splat(a0 + p), x1 = splat(a1 + p), x2 = splat(a2 + p), x3 = splat(a3 + p);
        ACCUMULATE_4X8(x0, x1, x2, x3, b0, b1);
      }
      const f32 *bj = bias ? bias + j : 0;
      const f32 *bj4 = bias ? bias + j + 4 : 0;
      v128_t rows[4][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
      for (int r = 0; r < 4; r++) {
        int at = (i + r) * n + j;
        wasm_v128_store(c + at, finish(rows[r][0], bj, mask ? mask + at : 0, relu));
        wasm_v128_store(c + at + 4, finish(rows[r][1], bj4, mask ? mask + at + 4 : 0, relu));
      }
    }
    for (; j + 4 <= n; j += 4) {
      v128_t c0 = wasm_f32x4_splat(0), c1 = c0, c2 = c0, c3 = c0;
      const f32 *bk = b + j;
      for (int p = 0; p < k; p++, bk += n) {
        v128_t b0 = wasm_v128_load(bk);
        c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(splat(a0 + p), b0));
        c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(splat(a1 + p), b0));
        c2 = wasm_f32x4_add(c2, wasm_f32x4_mul(splat(a2 + p), b0));
        c3 = wasm_f32x4_add(c3, wasm_f32x4_mul(splat(a3 + p), b0));
      }
      const f32 *bj = bias ? bias + j : 0;
      v128_t rows[4] = {c0, c1, c2, c3};
      for (int r = 0; r < 4; r++) {
        int at = (i + r) * n + j;
        wasm_v128_store(c + at, finish(rows[r], bj, mask ? mask + at : 0, relu));
      }
    }
    for (; j < n; j++) {
      /* A narrow output (a one-unit head): dot products of 4 rows with one column of b. */
      f32 s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (int p = 0; p < k; p++) {
        f32 w = b[p * n + j];
        s0 += a0[p] * w;
        s1 += a1[p] * w;
        s2 += a2[p] * w;
        s3 += a3[p] * w;
      }
      f32 rows[4] = {s0, s1, s2, s3};
      for (int r = 0; r < 4; r++) {
        int at = (i + r) * n + j;
        c[at] = finish1(rows[r], bias ? bias + j : 0, mask ? mask + at : 0, relu);
      }
    }
  }
  for (; i < m; i++) {
    const f32 *ai = a + i * k;
    int j = 0;
    for (; j + 4 <= n; j += 4) {
      v128_t acc = wasm_f32x4_splat(0);
      for (int p = 0; p < k; p++) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(splat(ai + p), wasm_v128_load(b + p * n + j)));
      int at = i * n + j;
      wasm_v128_store(c + at, finish(acc, bias ? bias + j : 0, mask ? mask + at : 0, relu));
    }
    for (; j < n; j++) {
      f32 s = 0;
      for (int p = 0; p < k; p++) s += ai[p] * b[p * n + j];
      int at = i * n + j;
      c[at] = finish1(s, bias ? bias + j : 0, mask ? mask + at : 0, relu);
    }
  }
}

/* Stores v at p, or adds it to what p holds when accumulating. */
static inline void put(f32 *p, v128_t v, int accumulate) {
  wasm_v128_store(p, accumulate ? wasm_f32x4_add(wasm_v128_load(p), v) : v);
}

static inline void put1(f32 *p, f32 v, int accumulate) { *p = accumulate ? *p + v : v; }

/*
 * c[k×n] = a[m×k]ᵀ · b[m×n] (a and b row-major, m the batch): a layer's kernel gradient from its
 * input a and the gradient b of its pre-activation; with accumulate, c += that instead. Also
 * sums[n] = the column sums of b (the bias gradient) when sums is not null.
 */
EXPORT("matmul_tn")
void matmul_tn(const f32 *a, const f32 *b, f32 *c, int m, int k, int n, f32 *sums, int accumulate) {
  int i = 0;
  for (; i + 4 <= k; i += 4) {
    int j = 0;
    for (; j + 8 <= n; j += 8) {
      ZERO_4X8;
      const f32 *ar = a + i, *br = b + j;
      for (int r = 0; r < m; r++, ar += k, br += n) {
        v128_t b0 = wasm_v128_load(br), b1 = wasm_v128_load(br + 4);
        v128_t x0 = splat(ar), x1 = splat(ar + 1), x2 = splat(ar + 2), x3 = splat(ar + 3);
        ACCUMULATE_4X8(x0, x1, x2, x3, b0, b1);
      }
      f32 *ci = c + i * n + j;
      put(ci, c00, accumulate);
      put(ci + 4, c01, accumulate);
      put(ci + n, c10, accumulate);
      put(ci + n + 4, c11, accumulate);
      put(ci + 2 * n, c20, accumulate);
      put(ci + 2 * n + 4, c21, accumulate);
      put(ci + 3 * n, c30, accumulate);
      put(ci + 3 * n + 4, c31, accumulate);
    }
    for (; j + 4 <= n; j += 4) {
      v128_t c0 = wasm_f32x4_splat(0), c1 = c0, c2 = c0, c3 = c0;
      const f32 *ar = a + i, *br = b + j;
      for (int r = 0; r < m; r++, ar += k, br += n) {
        v128_t b0 = wasm_v128_load(br);
        c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(splat(ar), b0));
        c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(splat(ar + 1), b0));
        c2 = wasm_f32x4_add(c2, wasm_f32x4_mul(splat(ar + 2), b0));
        c3 = wasm_f32x4_add(c3, wasm_f32x4_mul(splat(ar + 3), b0));
      }
      f32 *ci = c + i * n + j;
      put(ci, c0, accumulate);
      put(ci + n, c1, accumulate);
      put(ci + 2 * n, c2, accumulate);
      put(ci + 3 * n, c3, accumulate);
    }
  }
  /* Columns of b left over (a one-unit head has only these): vectorised along a's row instead. */
  for (int j = n - n % 4; j < n; j++) {
    for (int p = 0; p + 4 <= i; p += 4) {
      v128_t acc = wasm_f32x4_splat(0);
      const f32 *ar = a + p, *br = b + j;
      for (int r = 0; r < m; r++, ar += k, br += n) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(ar), splat(br)));
      put1(c + p * n + j, wasm_f32x4_extract_lane(acc, 0), accumulate);
      put1(c + (p + 1) * n + j, wasm_f32x4_extract_lane(acc, 1), accumulate);
      put1(c + (p + 2) * n + j, wasm_f32x4_extract_lane(acc, 2), accumulate);
      put1(c + (p + 3) * n + j, wasm_f32x4_extract_lane(acc, 3), accumulate);
    }
  }
  /* Rows of c left over (k not a multiple of 4): one row at a time, vectorised along b's row. */
  for (; i < k; i++) {
    int j = 0;
    for (; j + 8 <= n; j += 8) {
      v128_t c0 = wasm_f32x4_splat(0), c1 = c0;
      const f32 *ar = a + i, *br = b + j;
      for (int r = 0; r < m; r++, ar += k, br += n) {
        v128_t x = splat(ar);
        c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(x, wasm_v128_load(br)));
        c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(x, wasm_v128_load(br + 4)));
      }
      put(c + i * n + j, c0, accumulate);
      put(c + i * n + j + 4, c1, accumulate);
    }
    for (; j < n; j++) {
      f32 s = 0;
      for (int r = 0; r < m; r++) s += a[r * k + i] * b[r * n + j];
      put1(c + i * n + j, s, accumulate);
    }
  }
  if (sums) {
    int j = 0;
    for (; j + 4 <= n; j += 4) {
      v128_t acc = wasm_f32x4_splat(0);
      for (int r = 0; r < m; r++) acc = wasm_f32x4_add(acc, wasm_v128_load(b + r * n + j));
      wasm_v128_store(sums + j, acc);
    }
    for (; j < n; j++) {
      f32 s = 0;
      for (int r = 0; r < m; r++) s += b[r * n + j];
      sums[j] = s;
    }
  }
}

/* mulberry32 (as `core/domain/prng.ts`), the next 32-bit value of `state`. */
static inline unsigned next_random(unsigned *state) {
  unsigned t = (*state += 0x6d2b79f5u);
  t = (t ^ (t >> 15)) * (t | 1u);
  t ^= t + (t ^ (t >> 7)) * (t | 61u);
  return t ^ (t >> 14);
}

/*
 * Dropout while training, as tfjs' layer does it: out[i] = a[i] · mask[i], where mask[i] is `scale`
 * (1 / (1 − rate)) when the i-th draw of mulberry32(seed), as a fraction of 2³², is at least `rate`
 * (kept), else 0. `mask` keeps the factors for the backward pass (`multiply`).
 */
EXPORT("dropout")
void dropout(const f32 *a, f32 *out, f32 *mask, int n, double rate, f32 scale, unsigned seed) {
  unsigned state = seed;
  double threshold = rate * 4294967296.0;
  for (int i = 0; i < n; i++) {
    f32 factor = (double)next_random(&state) >= threshold ? scale : 0.0f;
    mask[i] = factor;
    out[i] = a[i] * factor;
  }
}

/* g[i] ·= m[i]: a gradient through the dropout masks. */
EXPORT("multiply")
void multiply(f32 *g, const f32 *m, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(g + i, wasm_f32x4_mul(wasm_v128_load(g + i), wasm_v128_load(m + i)));
  for (; i < n; i++) g[i] *= m[i];
}

/*
 * sums[j] = Σ over rows of x[r × cols + j] (x row-major): a bias gradient. Each run of up to 256
 * rows is summed in float32 vectors, and the runs in float64 (`totals`, cols doubles of scratch),
 * so a sum over hundreds of thousands of rows keeps float32 precision.
 */
EXPORT("column_sums")
void column_sums(const f32 *x, f32 *sums, double *totals, int rows, int cols) {
  for (int j = 0; j < cols; j++) totals[j] = 0;
  for (int r0 = 0; r0 < rows; r0 += 256) {
    int r1 = rows - r0 < 256 ? rows : r0 + 256;
    int j = 0;
    for (; j + 4 <= cols; j += 4) {
      v128_t acc = wasm_f32x4_splat(0);
      for (int r = r0; r < r1; r++) acc = wasm_f32x4_add(acc, wasm_v128_load(x + r * cols + j));
      totals[j] += wasm_f32x4_extract_lane(acc, 0);
      totals[j + 1] += wasm_f32x4_extract_lane(acc, 1);
      totals[j + 2] += wasm_f32x4_extract_lane(acc, 2);
      totals[j + 3] += wasm_f32x4_extract_lane(acc, 3);
    }
    for (; j < cols; j++) {
      f32 acc = 0;
      for (int r = r0; r < r1; r++) acc += x[r * cols + j];
      totals[j] += acc;
    }
  }
  for (int j = 0; j < cols; j++) sums[j] = (f32)totals[j];
}
