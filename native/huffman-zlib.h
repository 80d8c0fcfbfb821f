#ifndef DEPTHSERVE_HUFFMAN_ZLIB_H
#define DEPTHSERVE_HUFFMAN_ZLIB_H

#include <stddef.h>
#include <stdint.h>

/* Bytes huffman_zlib may write for `n` input bytes: codes are at most 15 bits, plus headers. */
#define HUFFMAN_ZLIB_BOUND(n) ((n) * 15 / 8 + 1024)

/*
 * `data` as a zlib stream holding one dynamic-Huffman deflate block of
 * literals only (what zlib writes with Z_HUFFMAN_ONLY, without its block
 * splitting). Returns the bytes written to `out`, which must hold
 * HUFFMAN_ZLIB_BOUND(n).
 */
size_t huffman_zlib(const uint8_t *data, size_t n, uint8_t *out);

#endif
