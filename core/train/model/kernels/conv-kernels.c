/*
 * The backward pass of a CNN's convolutions and max pools on the wasm backend, one image at a time
 * (`../wasm-kernels.ts` copies each image in and out of this module's memory). tfjs-backend-wasm
 * 4.22 has no filter gradient at all, a slow input gradient, and a max-pool gradient at ~60 ms a
 * batch; profiling one step of the benchmark CNN (batch 64 of 64×64×3) put 1.0 s of its 1.1 s in
 * those three. Each convolution gradient here is `dense-kernels.c`'s products over im2col rows:
 *
 *   filter gradient  dW[taps × out] += colsᵀ · dy     cols = the input patch under each output
 *   input gradient   cols = dy · Wᵀ, then dx += col2im(cols)
 *
 * with taps = (kh, kw, c) in the filter's [KH, KW, C, CO] order, built for a chunk of output rows
 * at a time into a scratch buffer (cols_rows × taps, sized by the caller), so no batch-sized
 * im2col matrix ever exists. Padding is zeros (filter gradient) or skipped (input gradient).
 * Images are H × W × C (NHWC without the N); strides sh, sw; pt, pl the top and left padding.
 */
#include "kernels.h"

/* The input patch of each output position in rows oh0 … oh0 + rows − 1, as rows of taps values. */
static void im2col(const f32 *x, f32 *cols, int oh0, int rows, int H, int W, int C, int OW, int KH, int KW,
                   int sh, int sw, int pt, int pl) {
  f32 *out = cols;
  for (int oh = oh0; oh < oh0 + rows; oh++) {
    for (int ow = 0; ow < OW; ow++) {
      for (int kh = 0; kh < KH; kh++) {
        int ih = oh * sh + kh - pt;
        for (int kw = 0; kw < KW; kw++) {
          int iw = ow * sw + kw - pl;
          if (ih < 0 || ih >= H || iw < 0 || iw >= W) {
            for (int c = 0; c < C; c++) *out++ = 0;
          } else {
            const f32 *from = x + (ih * W + iw) * C;
            for (int c = 0; c < C; c++) *out++ = from[c];
          }
        }
      }
    }
  }
}

/* Output rows per chunk so that a chunk's im2col rows fit in cols_rows (at least one). */
static int chunk_rows(int cols_rows, int OW) {
  int rows = cols_rows / OW;
  return rows < 1 ? 1 : rows;
}

/*
 * dw[(KH·KW·C) × CO] += the filter gradient of one image: x is H × W × C, dy OH × OW × CO. The
 * caller zeroes dw before the first image. cols holds cols_rows × KH·KW·C values, cols_rows ≥ OW.
 */
EXPORT("conv2d_filter_grad")
void conv2d_filter_grad(const f32 *x, const f32 *dy, f32 *dw, f32 *cols, int cols_rows, int H, int W, int C,
                        int OH, int OW, int CO, int KH, int KW, int sh, int sw, int pt, int pl) {
  int taps = KH * KW * C;
  int chunk = chunk_rows(cols_rows, OW);
  for (int oh0 = 0; oh0 < OH; oh0 += chunk) {
    int rows = OH - oh0 < chunk ? OH - oh0 : chunk;
    im2col(x, cols, oh0, rows, H, W, C, OW, KH, KW, sh, sw, pt, pl);
    matmul_tn(cols, dy + oh0 * OW * CO, dw, rows * OW, taps, CO, 0, 1);
  }
}

/*
 * dx[H × W × C] = the input gradient of one image from dy (OH × OW × CO) and the filter
 * transposed, wt[CO × (KH·KW·C)]. cols as for conv2d_filter_grad.
 */
EXPORT("conv2d_input_grad")
void conv2d_input_grad(const f32 *dy, const f32 *wt, f32 *dx, f32 *cols, int cols_rows, int H, int W, int C,
                       int OH, int OW, int CO, int KH, int KW, int sh, int sw, int pt, int pl) {
  int taps = KH * KW * C;
  for (int i = 0; i < H * W * C; i++) dx[i] = 0;
  int chunk = chunk_rows(cols_rows, OW);
  for (int oh0 = 0; oh0 < OH; oh0 += chunk) {
    int rows = OH - oh0 < chunk ? OH - oh0 : chunk;
    matmul(dy + oh0 * OW * CO, wt, cols, rows * OW, CO, taps, 0, 0, 0);
    const f32 *from = cols;
    for (int oh = oh0; oh < oh0 + rows; oh++) {
      for (int ow = 0; ow < OW; ow++) {
        for (int kh = 0; kh < KH; kh++) {
          int ih = oh * sh + kh - pt;
          for (int kw = 0; kw < KW; kw++, from += C) {
            int iw = ow * sw + kw - pl;
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
            f32 *to = dx + (ih * W + iw) * C;
            int c = 0;
            for (; c + 4 <= C; c += 4) wasm_v128_store(to + c, wasm_f32x4_add(wasm_v128_load(to + c), wasm_v128_load(from + c)));
            for (; c < C; c++) to[c] += from[c];
          }
        }
      }
    }
  }
}

/* t[cols × rows] = the rows × cols matrix s transposed. */
EXPORT("transpose")
void transpose(const f32 *s, f32 *t, int rows, int cols) {
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++) t[j * rows + i] = s[i * cols + j];
}

/* The first maximum of channel c's window at (oh, ow), as an index into x, or −1 (scalar). */
static int window_max(const f32 *x, int c, int oh, int ow, int H, int W, int C, int FH, int FW, int sh, int sw,
                      int pt, int pl) {
  f32 best = -__builtin_inff();
  int at = -1;
  for (int fh = 0; fh < FH; fh++) {
    int ih = oh * sh + fh - pt;
    if (ih < 0 || ih >= H) continue;
    for (int fw = 0; fw < FW; fw++) {
      int iw = ow * sw + fw - pl;
      if (iw < 0 || iw >= W) continue;
      int i = (ih * W + iw) * C + c;
      if (x[i] > best) {
        best = x[i];
        at = i;
      }
    }
  }
  return at;
}

/*
 * dx[H × W × C] = the max-pool gradient of one image: each output's dy goes to the first maximum of
 * its window (row by row, a strictly greater value replacing it), as tfjs' CPU backend routes it;
 * a window of NaN or −∞ only passes nothing on. x is the pool's input, dy OH × OW × C. Four
 * channels at a time: a lane takes a value when it is strictly greater, so each lane keeps its
 * first maximum, as the scalar rule does.
 */
EXPORT("max_pool_grad")
void max_pool_grad(const f32 *x, const f32 *dy, f32 *dx, int H, int W, int C, int OH, int OW, int FH, int FW,
                   int sh, int sw, int pt, int pl) {
  int size = H * W * C, z = 0;
  for (; z + 4 <= size; z += 4) wasm_v128_store(dx + z, wasm_f32x4_splat(0));
  for (; z < size; z++) dx[z] = 0;
  const v128_t lanes = wasm_i32x4_make(0, 1, 2, 3);
  for (int oh = 0; oh < OH; oh++) {
    for (int ow = 0; ow < OW; ow++) {
      const f32 *g = dy + (oh * OW + ow) * C;
      int c = 0;
      for (; c + 4 <= C; c += 4) {
        v128_t best = wasm_f32x4_splat(-__builtin_inff());
        v128_t at = wasm_i32x4_splat(-1);
        for (int fh = 0; fh < FH; fh++) {
          int ih = oh * sh + fh - pt;
          if (ih < 0 || ih >= H) continue;
          for (int fw = 0; fw < FW; fw++) {
            int iw = ow * sw + fw - pl;
            if (iw < 0 || iw >= W) continue;
            int base = (ih * W + iw) * C + c;
            v128_t v = wasm_v128_load(x + base);
            v128_t greater = wasm_f32x4_gt(v, best);
            best = wasm_v128_bitselect(v, best, greater);
            at = wasm_v128_bitselect(wasm_i32x4_add(wasm_i32x4_splat(base), lanes), at, greater);
          }
        }
        int i0 = wasm_i32x4_extract_lane(at, 0), i1 = wasm_i32x4_extract_lane(at, 1);
        int i2 = wasm_i32x4_extract_lane(at, 2), i3 = wasm_i32x4_extract_lane(at, 3);
        if (i0 >= 0) dx[i0] += g[c];
        if (i1 >= 0) dx[i1] += g[c + 1];
        if (i2 >= 0) dx[i2] += g[c + 2];
        if (i3 >= 0) dx[i3] += g[c + 3];
      }
      for (; c < C; c++) {
        int at = window_max(x, c, oh, ow, H, W, C, FH, FW, sh, sw, pt, pl);
        if (at >= 0) dx[at] += g[c];
      }
    }
  }
}
