/*
 * Huffman-only deflate for the palette PNG's filtered rows. zlib spends
 * about 2 ms on a VGA heatmap doing this: it splits the input into blocks
 * of 16K symbols and builds a tree for each. A heatmap's deltas are a few
 * distinct bytes everywhere, so one block with one tree packs them as well.
 */
#include "huffman-zlib.h"

#include <stdlib.h>
#include <string.h>

#define SYMBOLS 257 /* literals 0-255 and end-of-block */
#define END_OF_BLOCK 256
#define MAX_BITS 15
#define LENGTH_CODES 19
#define MAX_LENGTH_BITS 7

typedef struct {
  uint32_t freq;
  uint16_t symbol;
} leaf_t;

static int by_freq(const void *a, const void *b) {
  const leaf_t *x = a, *y = b;
  return x->freq != y->freq ? (x->freq < y->freq ? -1 : 1) : (int)x->symbol - (int)y->symbol;
}

/*
 * Code lengths of a Huffman code for freq[0..count), none over `limit`
 * bits: built by merging two queues of ascending weight; when too deep,
 * the frequencies are flattened (halved, kept non-zero) and it is built
 * again, which converges in a few rounds. At least two symbols get a code,
 * so the code is complete, as inflate requires of all but the distance code.
 */
static void code_lengths(const uint32_t *freq_in, int count, int limit, uint8_t *lengths) {
  uint32_t freq[SYMBOLS];
  memcpy(freq, freq_in, count * sizeof(uint32_t));
  int used = 0;
  for (int s = 0; s < count; s++) used += freq[s] > 0;
  for (int s = 0; used < 2 && s < count; s++) {
    if (!freq[s]) freq[s] = 1, used++;
  }
  for (;;) {
    leaf_t leaves[SYMBOLS];
    int n = 0;
    for (int s = 0; s < count; s++) {
      if (freq[s]) leaves[n++] = (leaf_t){freq[s], (uint16_t)s};
    }
    qsort(leaves, n, sizeof(leaf_t), by_freq);
    /* Nodes 0..n-1 are the leaves, n.. the merged ones; parent[] links them. */
    uint64_t weight[2 * SYMBOLS];
    int parent[2 * SYMBOLS];
    for (int i = 0; i < n; i++) weight[i] = leaves[i].freq;
    int next_leaf = 0, next_node = n, made = n;
    for (int k = 0; k < n - 1; k++) {
      int pick[2];
      for (int j = 0; j < 2; j++) {
        const int take_leaf =
            next_leaf < n && (next_node >= made || weight[next_leaf] <= weight[next_node]);
        pick[j] = take_leaf ? next_leaf++ : next_node++;
      }
      weight[made] = weight[pick[0]] + weight[pick[1]];
      parent[pick[0]] = parent[pick[1]] = made++;
    }
    /* Depth of each node, from the root (the last one made) down. */
    int depth[2 * SYMBOLS];
    depth[made - 1] = 0;
    int deepest = 0;
    for (int i = made - 2; i >= 0; i--) {
      depth[i] = depth[parent[i]] + 1;
      if (i < n && depth[i] > deepest) deepest = depth[i];
    }
    if (deepest <= limit) {
      memset(lengths, 0, count);
      for (int i = 0; i < n; i++) lengths[leaves[i].symbol] = (uint8_t)depth[i];
      return;
    }
    for (int s = 0; s < count; s++) {
      if (freq[s]) freq[s] = (freq[s] >> 1) | 1;
    }
  }
}

/* Canonical codes for the lengths (RFC 1951, 3.2.2), bit-reversed for LSB-first output. */
static void canonical_codes(const uint8_t *lengths, int count, uint16_t *codes) {
  uint16_t per_length[MAX_BITS + 1] = {0}, next[MAX_BITS + 1];
  for (int s = 0; s < count; s++) per_length[lengths[s]]++;
  per_length[0] = 0;
  uint16_t code = 0;
  for (int bits = 1; bits <= MAX_BITS; bits++) {
    code = (uint16_t)((code + per_length[bits - 1]) << 1);
    next[bits] = code;
  }
  for (int s = 0; s < count; s++) {
    const int len = lengths[s];
    uint16_t c = len ? next[len]++ : 0, reversed = 0;
    for (int b = 0; b < len; b++) reversed = (uint16_t)((reversed << 1) | ((c >> b) & 1));
    codes[s] = reversed;
  }
}

typedef struct {
  uint8_t *out;
  uint64_t acc;
  int bits;
} bit_writer_t;

static inline void put(bit_writer_t *w, uint32_t value, int len) {
  w->acc |= (uint64_t)value << w->bits;
  w->bits += len;
  if (w->bits >= 32) {
    memcpy(w->out, &w->acc, 8); /* little-endian, as deflate packs bits */
    w->out += 4;
    w->acc >>= 32;
    w->bits -= 32;
  }
}

/* zlib's checksum; 5552 bytes is the most that can be summed before b overflows. */
static uint32_t adler32(const uint8_t *data, size_t n) {
  uint32_t a = 1, b = 0;
  while (n > 0) {
    size_t chunk = n < 5552 ? n : 5552;
    n -= chunk;
    for (; chunk >= 4; chunk -= 4, data += 4) {
      b += 4 * a + 4 * data[0] + 3 * data[1] + 2 * data[2] + data[3];
      a += data[0] + data[1] + data[2] + data[3];
    }
    while (chunk--) a += *data++, b += a;
    a %= 65521;
    b %= 65521;
  }
  return (b << 16) | a;
}

/* Byte counts in four tables: a run of equal bytes (most of a heatmap's deltas
 * are 0) then updates four counters in turn instead of waiting on one. */
static void count_bytes(const uint8_t *data, size_t n, uint32_t *freq) {
  uint32_t part[4][256] = {{0}};
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    part[0][data[i]]++;
    part[1][data[i + 1]]++;
    part[2][data[i + 2]]++;
    part[3][data[i + 3]]++;
  }
  for (; i < n; i++) part[0][data[i]]++;
  for (int s = 0; s < 256; s++) freq[s] = part[0][s] + part[1][s] + part[2][s] + part[3][s];
}

size_t huffman_zlib(const uint8_t *data, size_t n, uint8_t *out) {
  static const uint8_t order[LENGTH_CODES] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                              11, 4,  12, 3, 13, 2, 14, 1, 15};
  uint32_t freq[SYMBOLS];
  count_bytes(data, n, freq);
  freq[END_OF_BLOCK] = 1;
  uint8_t lengths[SYMBOLS + 1];
  uint16_t codes[SYMBOLS];
  code_lengths(freq, SYMBOLS, MAX_BITS, lengths);
  canonical_codes(lengths, SYMBOLS, codes);
  lengths[SYMBOLS] = 1; /* one distance code, never used: allowed incomplete */

  /* The 258 code lengths are sent plainly (no run-length codes 16-18). */
  uint32_t length_freq[LENGTH_CODES] = {0};
  for (int s = 0; s <= SYMBOLS; s++) length_freq[lengths[s]]++;
  uint8_t length_lengths[LENGTH_CODES];
  uint16_t length_codes[LENGTH_CODES];
  code_lengths(length_freq, LENGTH_CODES, MAX_LENGTH_BITS, length_lengths);
  canonical_codes(length_lengths, LENGTH_CODES, length_codes);
  int sent = LENGTH_CODES;
  while (sent > 4 && length_lengths[order[sent - 1]] == 0) sent--;

  out[0] = 0x78; /* deflate, 32K window */
  out[1] = 0x01; /* fastest; header checksum */
  bit_writer_t w = {out + 2, 0, 0};
  put(&w, 1, 1); /* final block */
  put(&w, 2, 2); /* dynamic Huffman */
  put(&w, SYMBOLS - 257, 5);
  put(&w, 0, 5); /* one distance code */
  put(&w, (uint32_t)(sent - 4), 4);
  for (int i = 0; i < sent; i++) put(&w, length_lengths[order[i]], 3);
  for (int s = 0; s <= SYMBOLS; s++) {
    put(&w, length_codes[lengths[s]], length_lengths[lengths[s]]);
  }
  uint32_t literal[256]; /* code in the low 16 bits, its length above: one load per byte */
  for (int s = 0; s < 256; s++) literal[s] = codes[s] | (uint32_t)lengths[s] << 16;
  for (size_t i = 0; i < n; i++) put(&w, literal[data[i]] & 0xffff, literal[data[i]] >> 16);
  put(&w, codes[END_OF_BLOCK], lengths[END_OF_BLOCK]);
  while (w.bits > 0) { /* flush to a byte boundary */
    *w.out++ = (uint8_t)w.acc;
    w.acc >>= 8;
    w.bits -= 8;
  }
  const uint32_t check = adler32(data, n);
  const uint8_t trailer[4] = {check >> 24, check >> 16, check >> 8, check};
  memcpy(w.out, trailer, 4);
  return (size_t)(w.out + 4 - out);
}
