import { endianness } from 'node:os';

/*
 * Raw float32 depth for numpy and for MiDaS-style tools. Typed arrays use the
 * host's byte order; both formats below are declared little-endian.
 */
function littleEndianBytes(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (endianness() === 'LE') return bytes;
  const swapped = new Uint8Array(bytes.length);
  const view = new DataView(swapped.buffer);
  values.forEach((value, i) => view.setFloat32(i * 4, value, true));
  return swapped;
}

/**
 * NPY format version 1.0: magic, version, a little-endian header length, a
 * Python dict literal padded with spaces to a multiple of 64 bytes (as numpy
 * writes it) and ended by a newline, then the row-major data.
 */
export function encodeNpy(values: Float32Array, width: number, height: number): Buffer {
  if (values.length !== width * height) {
    throw new Error(`Expected ${width * height} values, got ${values.length}.`);
  }
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${height}, ${width}), }`;
  const prefix = 10; // magic (6) + version (2) + header length (2)
  const padded = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const header = dict.padEnd(padded - prefix - 1, ' ') + '\n';
  const head = Buffer.alloc(prefix);
  head.write('\x93NUMPY', 0, 'latin1');
  head.set([1, 0], 6);
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), littleEndianBytes(values)]);
}

/**
 * PFM exactly as MiDaS utils.write_pfm writes a depth map: "Pf" (one
 * channel), "W H", a negative scale for little-endian ("-1.000000", from
 * Python's %f), then the rows bottom to top.
 */
export function encodePfm(values: Float32Array, width: number, height: number): Buffer {
  if (values.length !== width * height) {
    throw new Error(`Expected ${width * height} values, got ${values.length}.`);
  }
  const flipped = new Float32Array(values.length);
  for (let y = 0; y < height; y++) {
    flipped.set(values.subarray(y * width, (y + 1) * width), (height - 1 - y) * width);
  }
  const header = Buffer.from(`Pf\n${width} ${height}\n-1.000000\n`, 'latin1');
  return Buffer.concat([header, littleEndianBytes(flipped)]);
}
