/* Shared by the kernels compiled into one WebAssembly module (see build-kernels.sh). */
#ifndef ORCHARD_KERNELS_H
#define ORCHARD_KERNELS_H

#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(name)))

typedef float f32;

void matmul(const f32 *a, const f32 *b, f32 *c, int m, int k, int n, const f32 *bias, const f32 *mask,
            int relu);
void matmul_tn(const f32 *a, const f32 *b, f32 *c, int m, int k, int n, f32 *sums, int accumulate);

#endif
