/*
 * The per-pixel loops of a depth job, in C. Each one is the JS kernel of the
 * same name in src/inference/pipeline/, step for step and in double precision
 * where the JS computes in doubles, so the two give the same bits and the
 * service's output does not depend on which one ran.
 */
#ifndef DEPTHSERVE_KERNELS_H
#define DEPTHSERVE_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* Four taps per output sample along one axis, as taps() in upsample.ts builds them. */
typedef struct {
  const int32_t *index;
  const float *weight;
} taps_t;

/* upsampleFloat: separable resampling with clamping; min and max of the stored values out. */
int resample(const float *depth, size_t from_w, size_t from_h, size_t to_w, size_t to_h,
             taps_t cols, taps_t rows, double lo, double hi, float *out, double range[2]);

/* encodeIndexedPng's loop: palette indices from the values, Sub-filtered, one filter byte per row. */
void palette_scanlines(const float *values, size_t width, size_t height, double min,
                       double scale, int flip, uint8_t *scanlines);

/* toInputTensor's loop for one channel: a byte of each packed pixel, scaled, into a float plane. */
void planar_channel(const uint8_t *rgb, size_t plane, size_t source, double scale, double offset,
                    float *out);

/* Which packed channel each tensor channel reads, and value * scale - offset. */
typedef struct {
  size_t source[3];
  double scale[3];
  double offset[3];
} channel_map_t;

/* resampleToTensor (input-resize.ts): packed RGB bytes to a planar float tensor, bicubic. */
int resample_to_tensor(const uint8_t *rgb, size_t from_w, size_t from_h, size_t to_w,
                       size_t to_h, taps_t cols, taps_t rows, const channel_map_t *map,
                       float *tensor);

#endif
