#include "kernels.h"

#include <stdlib.h>

/* Builds with AVX2 where the CPU has it, and with the x86-64 baseline otherwise. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define WIDE_TARGETS __attribute__((target_clones("avx2", "default")))
#else
#define WIDE_TARGETS
#endif

/* The horizontal pass: every source row resampled to the output width. */
static void widen(const float *depth, size_t from_w, size_t from_h, size_t to_w, taps_t cols,
                  float *wide) {
  for (size_t y = 0; y < from_h; y++) {
    const float *src = depth + y * from_w;
    float *dst = wide + y * to_w;
    const int32_t *ci = cols.index;
    const float *cw = cols.weight;
    for (size_t x = 0; x < to_w; x++, ci += 4, cw += 4) {
      dst[x] = (float)((double)src[ci[0]] * cw[0] + (double)src[ci[1]] * cw[1] +
                       (double)src[ci[2]] * cw[2] + (double)src[ci[3]] * cw[3]);
    }
  }
}

/*
 * The vertical pass over one output row, with clamping. The min-max runs in
 * LANES independent lanes: compilers vectorise no floating-point min/max
 * reduction without fast-math, but they do vectorise this, and a minimum is
 * the same whatever order it is taken in.
 */
#define LANES 8
WIDE_TARGETS
static void blend_row(const float *r0, const float *r1, const float *r2, const float *r3,
                      const float w[4], size_t width, double lo, double hi, float *dst,
                      float *min, float *max) {
  const double w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3];
  float mn[LANES], mx[LANES];
  for (int l = 0; l < LANES; l++) mn[l] = *min, mx[l] = *max;
  size_t x = 0;
  for (; x + LANES <= width; x += LANES) {
    for (int l = 0; l < LANES; l++) {
      const size_t i = x + l;
      double v = (double)r0[i] * w0 + (double)r1[i] * w1 + (double)r2[i] * w2 + (double)r3[i] * w3;
      v = v < lo ? lo : v;
      v = v > hi ? hi : v;
      const float value = (float)v;
      dst[i] = value;
      mn[l] = value < mn[l] ? value : mn[l];
      mx[l] = value > mx[l] ? value : mx[l];
    }
  }
  for (; x < width; x++) {
    double v = (double)r0[x] * w0 + (double)r1[x] * w1 + (double)r2[x] * w2 + (double)r3[x] * w3;
    v = v < lo ? lo : v;
    v = v > hi ? hi : v;
    const float value = (float)v;
    dst[x] = value;
    mn[0] = value < mn[0] ? value : mn[0];
    mx[0] = value > mx[0] ? value : mx[0];
  }
  for (int l = 0; l < LANES; l++) {
    *min = mn[l] < *min ? mn[l] : *min;
    *max = mx[l] > *max ? mx[l] : *max;
  }
}

int resample(const float *depth, size_t from_w, size_t from_h, size_t to_w, size_t to_h,
             taps_t cols, taps_t rows, double lo, double hi, float *out, double range[2]) {
  float *wide = malloc(from_h * to_w * sizeof(float));
  if (!wide) return -1;
  widen(depth, from_w, from_h, to_w, cols, wide);
  float min = __builtin_inff(), max = -__builtin_inff();
  for (size_t y = 0; y < to_h; y++) {
    const int32_t *r = rows.index + y * 4;
    blend_row(wide + r[0] * to_w, wide + r[1] * to_w, wide + r[2] * to_w, wide + r[3] * to_w,
              rows.weight + y * 4, to_w, lo, hi, out + y * to_w, &min, &max);
  }
  free(wide);
  range[0] = min;
  range[1] = max;
  return 0;
}

void palette_scanlines(const float *values, size_t width, size_t height, double min,
                       double scale, int flip, uint8_t *scanlines) {
  for (size_t y = 0; y < height; y++) {
    uint8_t *row = scanlines + y * (width + 1);
    const float *src = values + y * width;
    row[0] = 1; /* PNG filter type Sub */
    int left = 0;
    for (size_t x = 0; x < width; x++) {
      const double level = ((double)src[x] - min) * scale + 0.5;
      const int index = flip ^ (level <= 0 ? 0 : level >= 65535 ? 255 : (int)level >> 8);
      row[1 + x] = (uint8_t)(index - left);
      left = index;
    }
  }
}

WIDE_TARGETS
void planar_channel(const uint8_t *rgb, size_t plane, size_t source, double scale, double offset,
                    float *out) {
  const uint8_t *src = rgb + source;
  for (size_t i = 0; i < plane; i++) out[i] = (float)((double)src[i * 3] * scale - offset);
}
