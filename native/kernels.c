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

/* Packed bytes resampled across, into one float plane per packed channel. */
static void across_packed(const uint8_t *rgb, size_t from_w, size_t from_h, size_t mid_w,
                          taps_t cols, float *out) {
  const size_t area = mid_w * from_h;
  for (size_t y = 0; y < from_h; y++) {
    const uint8_t *line = rgb + y * from_w * 3;
    for (size_t x = 0; x < mid_w; x++) {
      const int32_t *p = cols.index + x * 4;
      const float *w = cols.weight + x * 4;
      for (size_t c = 0; c < 3; c++) {
        const uint8_t *b = line + c;
        out[c * area + y * mid_w + x] =
            (float)((double)b[p[0] * 3] * w[0] + (double)b[p[1] * 3] * w[1] +
                    (double)b[p[2] * 3] * w[2] + (double)b[p[3] * 3] * w[3]);
      }
    }
  }
}

/* Packed bytes resampled down, into one float plane per packed channel. */
static void down_packed(const uint8_t *rgb, size_t from_w, size_t mid_h, taps_t rows,
                        float *out) {
  const size_t area = from_w * mid_h, stride = from_w * 3;
  for (size_t y = 0; y < mid_h; y++) {
    const int32_t *r = rows.index + y * 4;
    const float *w = rows.weight + y * 4;
    const uint8_t *r0 = rgb + r[0] * stride, *r1 = rgb + r[1] * stride;
    const uint8_t *r2 = rgb + r[2] * stride, *r3 = rgb + r[3] * stride;
    for (size_t x = 0; x < from_w; x++) {
      for (size_t c = 0, j = x * 3; c < 3; c++, j++) {
        out[c * area + y * from_w + x] =
            (float)((double)r0[j] * w[0] + (double)r1[j] * w[1] + (double)r2[j] * w[2] +
                    (double)r3[j] * w[3]);
      }
    }
  }
}

static inline float to_input(double v, double scale, double offset) {
  v = v < 0 ? 0 : v;
  v = v > 255 ? 255 : v;
  return (float)(v * scale - offset);
}

/* Float planes resampled down into the tensor, each channel mapped and scaled. */
WIDE_TARGETS
static void finish_down(const float *mid, size_t mid_w, size_t mid_h, size_t to_w, size_t to_h,
                        taps_t rows, const channel_map_t *map, float *tensor) {
  for (size_t c = 0; c < 3; c++) {
    const float *plane = mid + map->source[c] * mid_w * mid_h;
    const double scale = map->scale[c], offset = map->offset[c];
    for (size_t y = 0; y < to_h; y++) {
      const int32_t *r = rows.index + y * 4;
      const double w0 = rows.weight[y * 4], w1 = rows.weight[y * 4 + 1];
      const double w2 = rows.weight[y * 4 + 2], w3 = rows.weight[y * 4 + 3];
      const float *r0 = plane + r[0] * mid_w, *r1 = plane + r[1] * mid_w;
      const float *r2 = plane + r[2] * mid_w, *r3 = plane + r[3] * mid_w;
      float *dst = tensor + (c * to_h + y) * to_w;
      for (size_t x = 0; x < to_w; x++) {
        const double v = (double)r0[x] * w0 + (double)r1[x] * w1 + (double)r2[x] * w2 +
                         (double)r3[x] * w3;
        dst[x] = to_input(v, scale, offset);
      }
    }
  }
}

/* Float planes resampled across into the tensor, each channel mapped and scaled. */
static void finish_across(const float *mid, size_t mid_w, size_t to_w, size_t to_h, taps_t cols,
                          const channel_map_t *map, float *tensor) {
  for (size_t c = 0; c < 3; c++) {
    const float *plane = mid + map->source[c] * mid_w * to_h;
    const double scale = map->scale[c], offset = map->offset[c];
    for (size_t y = 0; y < to_h; y++) {
      const float *src = plane + y * mid_w;
      float *dst = tensor + (c * to_h + y) * to_w;
      for (size_t x = 0; x < to_w; x++) {
        const int32_t *p = cols.index + x * 4;
        const float *w = cols.weight + x * 4;
        const double v = (double)src[p[0]] * w[0] + (double)src[p[1]] * w[1] +
                         (double)src[p[2]] * w[2] + (double)src[p[3]] * w[3];
        dst[x] = to_input(v, scale, offset);
      }
    }
  }
}

int resample_to_tensor(const uint8_t *rgb, size_t from_w, size_t from_h, size_t to_w,
                       size_t to_h, taps_t cols, taps_t rows, const channel_map_t *map,
                       float *tensor) {
  /* The axis that leaves the smaller intermediate goes first, as in the JS. */
  const int across_first = from_h * to_w <= from_w * to_h;
  const size_t mid_w = across_first ? to_w : from_w, mid_h = across_first ? from_h : to_h;
  float *mid = malloc(mid_w * mid_h * 3 * sizeof(float));
  if (!mid) return -1;
  if (across_first) {
    across_packed(rgb, from_w, from_h, mid_w, cols, mid);
    finish_down(mid, mid_w, mid_h, to_w, to_h, rows, map, tensor);
  } else {
    down_packed(rgb, from_w, mid_h, rows, mid);
    finish_across(mid, mid_w, to_w, to_h, cols, map, tensor);
  }
  free(mid);
  return 0;
}
