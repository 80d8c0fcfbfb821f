/*
 * Decoding of plain JPEG and PNG photos on the calling thread, to the packed
 * 8-bit RGB that sharp gives for them (same bits: both use libjpeg-turbo's
 * default IDCT and upsampling, and PNG samples need no arithmetic). It only
 * takes the cases where that holds, and declines the rest (ICC profiles, EXIF
 * orientation, alpha, 16 bits, CMYK, any decoder warning), which sharp then
 * decodes as before. Compiled only where libjpeg and libpng headers exist.
 */
#ifndef DEPTHSERVE_DECODE_H
#define DEPTHSERVE_DECODE_H

#include <stddef.h>
#include <stdint.h>

/* Gives the buffer for width * height * 3 bytes, or NULL to decline. */
typedef uint8_t *(*rgb_alloc_t)(void *ctx, size_t width, size_t height);

/* 1 when the photo was decoded into the allocated buffer, 0 when declined. */
int decode_rgb(const uint8_t *bytes, size_t length, size_t max_pixels, rgb_alloc_t alloc,
               void *ctx);

#endif
