/* See decode.h. Every failure path returns 0; nothing here reports errors to JS. */
#include "decode.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* jpeglib.h needs stdio.h's FILE and size_t first. */
#include <jpeglib.h>

typedef struct {
  struct jpeg_error_mgr pub;
  jmp_buf escape;
} jpeg_escape_t;

static void jpeg_fail(j_common_ptr cinfo) { longjmp(((jpeg_escape_t *)cinfo->err)->escape, 1); }

/* sharp decodes JPEGs failing on warnings (preprocess.ts), so a warning declines here too. */
static void jpeg_message(j_common_ptr cinfo, int level) {
  if (level < 0) longjmp(((jpeg_escape_t *)cinfo->err)->escape, 1);
}

static uint32_t read_u(const uint8_t *p, int bytes, int little) {
  uint32_t v = 0;
  for (int i = 0; i < bytes; i++) v = little ? v | (uint32_t)p[i] << (8 * i) : v << 8 | p[i];
  return v;
}

/* The EXIF orientation in an APP1 payload: 1 when absent, 0 when it cannot be read. */
static int exif_orientation(const uint8_t *data, size_t n) {
  if (n < 14 || memcmp(data, "Exif\0\0", 6) != 0) return 1;
  const uint8_t *tiff = data + 6;
  size_t size = n - 6;
  int little = tiff[0] == 'I' && tiff[1] == 'I';
  if (!little && !(tiff[0] == 'M' && tiff[1] == 'M')) return 0;
  if (read_u(tiff + 2, 2, little) != 42) return 0;
  uint32_t ifd = read_u(tiff + 4, 4, little);
  if ((size_t)ifd + 2 > size) return 0;
  uint32_t count = read_u(tiff + ifd, 2, little);
  for (uint32_t i = 0; i < count; i++) {
    size_t at = ifd + 2 + (size_t)i * 12;
    if (at + 12 > size) return 0;
    if (read_u(tiff + at, 2, little) != 0x0112) continue;
    /* One SHORT, as the standard has it. sharp reads other layouts its own way (a LONG
       0x00010003 as a half turn), so anything else is declined and left to it. */
    if (read_u(tiff + at + 2, 2, little) != 3 || read_u(tiff + at + 4, 4, little) != 1) return 0;
    return (int)read_u(tiff + at + 8, 2, little);
  }
  return 1;
}

/* Only what sharp would not alter: no ICC profile, upright, 8-bit grey or YCbCr/RGB. */
static int jpeg_plain(struct jpeg_decompress_struct *c) {
  for (jpeg_saved_marker_ptr m = c->marker_list; m; m = m->next) {
    if (m->marker == JPEG_APP0 + 2 && m->data_length >= 12 &&
        memcmp(m->data, "ICC_PROFILE", 12) == 0)
      return 0;
    if (m->marker == JPEG_APP0 + 1 && exif_orientation(m->data, m->data_length) != 1) return 0;
  }
  J_COLOR_SPACE s = c->jpeg_color_space;
  return c->data_precision == 8 && (s == JCS_GRAYSCALE || s == JCS_YCbCr || s == JCS_RGB);
}

static int decode_jpeg(const uint8_t *bytes, size_t length, size_t max_pixels, rgb_alloc_t alloc,
                       void *ctx) {
  struct jpeg_decompress_struct c;
  jpeg_escape_t err;
  c.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = jpeg_fail;
  err.pub.emit_message = jpeg_message;
  if (setjmp(err.escape)) {
    jpeg_destroy_decompress(&c);
    return 0;
  }
  jpeg_create_decompress(&c);
  jpeg_mem_src(&c, bytes, (unsigned long)length);
  jpeg_save_markers(&c, JPEG_APP0 + 1, 0xffff);
  jpeg_save_markers(&c, JPEG_APP0 + 2, 0xffff);
  uint8_t *rgb = NULL;
  if (jpeg_read_header(&c, TRUE) == JPEG_HEADER_OK && jpeg_plain(&c) &&
      (size_t)c.image_width * c.image_height <= max_pixels) {
    c.out_color_space = JCS_RGB;
    jpeg_start_decompress(&c);
    rgb = alloc(ctx, c.output_width, c.output_height);
    while (rgb && c.output_scanline < c.output_height) {
      JSAMPROW row = rgb + (size_t)c.output_scanline * c.output_width * 3;
      jpeg_read_scanlines(&c, &row, 1);
    }
    if (rgb) jpeg_finish_decompress(&c);
  }
  jpeg_destroy_decompress(&c);
  return rgb != NULL;
}

typedef struct {
  const uint8_t *bytes;
  size_t length, at;
} png_source_t;

static void png_read_memory(png_structp png, png_bytep out, size_t n) {
  png_source_t *src = png_get_io_ptr(png);
  if (n > src->length - src->at) png_error(png, "truncated");
  memcpy(out, src->bytes + src->at, n);
  src->at += n;
}

/* libpng's own handlers print to stderr; a declined photo is not worth a line there. */
static void png_fail(png_structp png, png_const_charp message) {
  (void)message;
  png_longjmp(png, 1);
}

static void png_quiet(png_structp png, png_const_charp message) {
  (void)png;
  (void)message;
}

/* Only 8-bit-or-less grey, RGB or palette, opaque, with no colour management or orientation. */
static int png_plain(png_structp png, png_infop info) {
  int type = png_get_color_type(png, info);
  if (png_get_bit_depth(png, info) > 8 || (type & PNG_COLOR_MASK_ALPHA)) return 0;
  png_uint_32 unwanted = PNG_INFO_tRNS | PNG_INFO_iCCP | PNG_INFO_gAMA;
#ifdef PNG_INFO_eXIf
  unwanted |= PNG_INFO_eXIf;
#endif
  return png_get_valid(png, info, unwanted) == 0;
}

static int decode_png(const uint8_t *bytes, size_t length, size_t max_pixels, rgb_alloc_t alloc,
                      void *ctx) {
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, png_fail, png_quiet);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  if (!info) {
    png_destroy_read_struct(&png, NULL, NULL);
    return 0;
  }
  png_source_t src = {bytes, length, 0};
  /* volatile: read after longjmp, so it must not live in a register. */
  uint8_t *volatile rgb = NULL;
  png_bytep *volatile rows = NULL;
  if (setjmp(png_jmpbuf(png))) {
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    return 0;
  }
  png_set_read_fn(png, &src, png_read_memory);
  png_read_info(png, info);
  size_t w = png_get_image_width(png, info), h = png_get_image_height(png, info);
  if (png_plain(png, info) && w * h <= max_pixels) {
    png_set_palette_to_rgb(png);
    png_set_expand_gray_1_2_4_to_8(png);
    png_set_gray_to_rgb(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    rows = png_get_rowbytes(png, info) == w * 3 ? malloc(h * sizeof(png_bytep)) : NULL;
    rgb = rows ? alloc(ctx, w, h) : NULL;
    for (size_t y = 0; rgb && y < h; y++) rows[y] = rgb + y * w * 3;
    if (rgb) png_read_image(png, rows);
  }
  free(rows);
  png_destroy_read_struct(&png, &info, NULL);
  return rgb != NULL;
}

int decode_rgb(const uint8_t *bytes, size_t length, size_t max_pixels, rgb_alloc_t alloc,
               void *ctx) {
  static const uint8_t png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (length > 3 && bytes[0] == 0xff && bytes[1] == 0xd8 && bytes[2] == 0xff) {
    return decode_jpeg(bytes, length, max_pixels, alloc, ctx);
  }
  if (length > 8 && memcmp(bytes, png_signature, 8) == 0) {
    return decode_png(bytes, length, max_pixels, alloc, ctx);
  }
  return 0;
}
