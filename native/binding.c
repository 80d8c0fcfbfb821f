/*
 * Node-API glue for kernels.c. Every length and index is checked here before
 * a kernel touches memory: a wrong argument is a TypeError/RangeError in JS,
 * never a read outside an array.
 */
#include <node_api.h>
#include <math.h>
#include <stdbool.h>

#include "huffman-zlib.h"
#include "kernels.h"
#ifdef DEPTHSERVE_CODECS
#include "decode.h"
#endif

#define MAX_ARGS 13
#define CHECK(env, call) \
  if ((call) != napi_ok) return NULL

typedef struct {
  napi_env env;
  napi_value argv[MAX_ARGS];
  size_t argc;
} args_t;

static bool read_args(napi_env env, napi_callback_info info, size_t expected, args_t *args) {
  args->env = env;
  args->argc = MAX_ARGS;
  if (napi_get_cb_info(env, info, &args->argc, args->argv, NULL, NULL) != napi_ok) return false;
  if (args->argc != expected) {
    napi_throw_type_error(env, NULL, "Wrong number of arguments.");
    return false;
  }
  return true;
}

/* The data of typed array `i`, which must be of `type` and hold exactly `length` elements. */
static void *typed(args_t *args, size_t i, napi_typedarray_type type, size_t length) {
  bool is_typed = false;
  napi_typedarray_type actual;
  size_t count;
  void *data;
  if (napi_is_typedarray(args->env, args->argv[i], &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(args->env, args->argv[i], &actual, &count, &data, NULL, NULL) !=
          napi_ok ||
      actual != type) {
    napi_throw_type_error(args->env, NULL, "An argument is not a typed array of the right type.");
    return NULL;
  }
  if (count != length) {
    napi_throw_range_error(args->env, NULL, "A typed array has the wrong length.");
    return NULL;
  }
  /* An empty view may have no backing store; the kernels never read it then. */
  return data ? data : (void *)args;
}

static bool number(args_t *args, size_t i, double *out) {
  if (napi_get_value_double(args->env, args->argv[i], out) == napi_ok) return true;
  napi_throw_type_error(args->env, NULL, "An argument is not a number.");
  return false;
}

/* A positive whole number no larger than 2^24, the largest side any accepted photo has. */
static bool dimension(args_t *args, size_t i, size_t *out) {
  double value;
  if (!number(args, i, &value)) return false;
  if (!(value >= 1 && value <= 16777216 && value == (double)(size_t)value)) {
    napi_throw_range_error(args->env, NULL, "A size is not a positive whole number.");
    return false;
  }
  *out = (size_t)value;
  return true;
}

static bool indices_within(args_t *args, const int32_t *index, size_t count, size_t limit) {
  for (size_t i = 0; i < count; i++) {
    if (index[i] < 0 || (size_t)index[i] >= limit) {
      napi_throw_range_error(args->env, NULL, "A tap index is outside the source.");
      return false;
    }
  }
  return true;
}

/* The taps at arguments i (indices) and i + 1 (weights): `count` outputs, indices below `limit`. */
static bool read_taps(args_t *args, size_t i, size_t count, size_t limit, taps_t *taps) {
  taps->index = typed(args, i, napi_int32_array, count * 4);
  taps->weight = taps->index ? typed(args, i + 1, napi_float32_array, count * 4) : NULL;
  return taps->weight && indices_within(args, taps->index, count * 4, limit);
}

/* Arguments 1-8 of both resamplers: fromW, fromH, toW, toH, then the column and row taps. */
static bool read_resize(args_t *a, size_t *fw, size_t *fh, size_t *tw, size_t *th, taps_t *cols,
                        taps_t *rows) {
  return dimension(a, 1, fw) && dimension(a, 2, fh) && dimension(a, 3, tw) &&
         dimension(a, 4, th) && read_taps(a, 5, *tw, *fw, cols) && read_taps(a, 7, *th, *fh, rows);
}

/* resample(depth, fromW, fromH, toW, toH, colIndex, colWeight, rowIndex, rowWeight, lo, hi, out, range) */
static napi_value js_resample(napi_env env, napi_callback_info info) {
  args_t a;
  size_t fw, fh, tw, th;
  taps_t cols, rows;
  double lo, hi;
  if (!read_args(env, info, 13, &a) || !read_resize(&a, &fw, &fh, &tw, &th, &cols, &rows) ||
      !number(&a, 9, &lo) || !number(&a, 10, &hi))
    return NULL;
  const float *depth = typed(&a, 0, napi_float32_array, fw * fh);
  float *out = depth ? typed(&a, 11, napi_float32_array, tw * th) : NULL;
  double *range = out ? typed(&a, 12, napi_float64_array, 2) : NULL;
  if (range && resample(depth, fw, fh, tw, th, cols, rows, lo, hi, out, range) != 0) {
    napi_throw_error(env, NULL, "Out of memory for the resampling pass.");
  }
  return NULL;
}

/* resampleToTensor(rgb, fromW, fromH, toW, toH, colIndex, colWeight, rowIndex, rowWeight, map, tensor);
 * map holds the three source channels, then the three scales, then the three offsets. */
static napi_value js_resample_to_tensor(napi_env env, napi_callback_info info) {
  args_t a;
  size_t fw, fh, tw, th;
  taps_t cols, rows;
  if (!read_args(env, info, 11, &a) || !read_resize(&a, &fw, &fh, &tw, &th, &cols, &rows)) {
    return NULL;
  }
  const uint8_t *rgb = typed(&a, 0, napi_uint8_array, fw * fh * 3);
  const double *m = rgb ? typed(&a, 9, napi_float64_array, 9) : NULL;
  float *tensor = m ? typed(&a, 10, napi_float32_array, tw * th * 3) : NULL;
  if (!tensor) return NULL;
  channel_map_t map;
  for (size_t c = 0; c < 3; c++) {
    if (!(m[c] == 0 || m[c] == 1 || m[c] == 2)) {
      napi_throw_range_error(env, NULL, "A source channel is not 0, 1 or 2.");
      return NULL;
    }
    map.source[c] = (size_t)m[c];
    map.scale[c] = m[3 + c];
    map.offset[c] = m[6 + c];
  }
  if (resample_to_tensor(rgb, fw, fh, tw, th, cols, rows, &map, tensor) != 0) {
    napi_throw_error(env, NULL, "Out of memory for the resampling pass.");
  }
  return NULL;
}

/* paletteScanlines(values, width, height, min, scale, flip, scanlines) */
static napi_value js_palette_scanlines(napi_env env, napi_callback_info info) {
  args_t a;
  size_t w, h;
  double min, scale, flip;
  if (!read_args(env, info, 7, &a) || !dimension(&a, 1, &w) || !dimension(&a, 2, &h) ||
      !number(&a, 3, &min) || !number(&a, 4, &scale) || !number(&a, 5, &flip))
    return NULL;
  const float *values = typed(&a, 0, napi_float32_array, w * h);
  uint8_t *scanlines = values ? typed(&a, 6, napi_uint8_array, h * (w + 1)) : NULL;
  if (!scanlines) return NULL;
  palette_scanlines(values, w, h, min, scale, flip != 0 ? 255 : 0, scanlines);
  return NULL;
}

/* planarChannel(rgb, source, scale, offset, out): out holds one plane of the tensor. */
static napi_value js_planar_channel(napi_env env, napi_callback_info info) {
  args_t a;
  size_t plane, source;
  double scale, offset;
  if (!read_args(env, info, 5, &a) || !number(&a, 2, &scale) || !number(&a, 3, &offset)) {
    return NULL;
  }
  bool is_typed = false;
  napi_typedarray_type type;
  if (napi_is_typedarray(env, a.argv[4], &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, a.argv[4], &type, &plane, NULL, NULL, NULL) != napi_ok) {
    napi_throw_type_error(env, NULL, "The output is not a typed array.");
    return NULL;
  }
  double src;
  if (!number(&a, 1, &src)) return NULL;
  if (!(src == 0 || src == 1 || src == 2)) {
    napi_throw_range_error(env, NULL, "The source channel is not 0, 1 or 2.");
    return NULL;
  }
  source = (size_t)src;
  const uint8_t *rgb = plane ? typed(&a, 0, napi_uint8_array, plane * 3) : NULL;
  float *out = rgb ? typed(&a, 4, napi_float32_array, plane) : NULL;
  if (out) planar_channel(rgb, plane, source, scale, offset, out);
  return NULL;
}

/* huffmanZlib(data, out): the zlib stream's length; out must hold HUFFMAN_ZLIB_BOUND bytes. */
static napi_value js_huffman_zlib(napi_env env, napi_callback_info info) {
  args_t a;
  size_t n, cap;
  napi_typedarray_type type;
  if (!read_args(env, info, 2, &a)) return NULL;
  bool is_typed = false;
  if (napi_is_typedarray(env, a.argv[0], &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, a.argv[0], &type, &n, NULL, NULL, NULL) != napi_ok ||
      napi_is_typedarray(env, a.argv[1], &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, a.argv[1], &type, &cap, NULL, NULL, NULL) != napi_ok) {
    napi_throw_type_error(env, NULL, "An argument is not a typed array of the right type.");
    return NULL;
  }
  if (cap < HUFFMAN_ZLIB_BOUND(n)) {
    napi_throw_range_error(env, NULL, "The output is too small for the stream.");
    return NULL;
  }
  const uint8_t *data = typed(&a, 0, napi_uint8_array, n);
  uint8_t *out = data ? typed(&a, 1, napi_uint8_array, cap) : NULL;
  if (!out) return NULL;
  napi_value written;
  CHECK(env, napi_create_double(env, (double)huffman_zlib(data, n, out), &written));
  return written;
}

#ifdef DEPTHSERVE_CODECS
typedef struct {
  napi_env env;
  napi_value buffer;
  size_t width, height;
} rgb_target_t;

static uint8_t *alloc_rgb(void *ctx, size_t width, size_t height) {
  rgb_target_t *target = ctx;
  void *data = NULL;
  if (napi_create_buffer(target->env, width * height * 3, &data, &target->buffer) != napi_ok) {
    return NULL;
  }
  target->width = width;
  target->height = height;
  return data;
}

/* decodeRgb(bytes, maxPixels): { rgb, width, height }, or undefined when declined (decode.h). */
static napi_value js_decode_rgb(napi_env env, napi_callback_info info) {
  args_t a;
  double max_pixels;
  size_t n;
  napi_typedarray_type type;
  bool is_typed = false;
  if (!read_args(env, info, 2, &a) || !number(&a, 1, &max_pixels)) return NULL;
  if (napi_is_typedarray(env, a.argv[0], &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, a.argv[0], &type, &n, NULL, NULL, NULL) != napi_ok) {
    napi_throw_type_error(env, NULL, "The image is not a Uint8Array.");
    return NULL;
  }
  const uint8_t *bytes = n ? typed(&a, 0, napi_uint8_array, n) : NULL;
  rgb_target_t target = {env, NULL, 0, 0};
  if (!bytes || !(max_pixels >= 0) ||
      !decode_rgb(bytes, n, (size_t)fmin(max_pixels, 1e15), alloc_rgb, &target)) {
    return NULL;
  }
  napi_value out, width, height;
  CHECK(env, napi_create_object(env, &out));
  CHECK(env, napi_create_double(env, (double)target.width, &width));
  CHECK(env, napi_create_double(env, (double)target.height, &height));
  CHECK(env, napi_set_named_property(env, out, "rgb", target.buffer));
  CHECK(env, napi_set_named_property(env, out, "width", width));
  CHECK(env, napi_set_named_property(env, out, "height", height));
  return out;
}
#endif

NAPI_MODULE_INIT() {
  napi_property_descriptor methods[] = {
      {"resample", NULL, js_resample, NULL, NULL, NULL, napi_enumerable, NULL},
      {"resampleToTensor", NULL, js_resample_to_tensor, NULL, NULL, NULL, napi_enumerable, NULL},
      {"huffmanZlib", NULL, js_huffman_zlib, NULL, NULL, NULL, napi_enumerable, NULL},
      {"paletteScanlines", NULL, js_palette_scanlines, NULL, NULL, NULL, napi_enumerable, NULL},
      {"planarChannel", NULL, js_planar_channel, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  CHECK(env, napi_define_properties(env, exports, 5, methods));
#ifdef DEPTHSERVE_CODECS
  napi_property_descriptor decode = {"decodeRgb", NULL, js_decode_rgb, NULL,
                                     NULL,        NULL, napi_enumerable, NULL};
  CHECK(env, napi_define_properties(env, exports, 1, &decode));
#endif
  return exports;
}
