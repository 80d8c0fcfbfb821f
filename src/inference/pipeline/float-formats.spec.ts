import { parseNpy, parsePfm } from '../../../test/helpers/depth-files';
import { encodeNpy, encodePfm } from './float-formats';

describe('float exports', () => {
  // 5 wide, 3 high; every value distinct, so any reordering shows.
  const values = new Float32Array(15).map((_, i) => i * 1.25 - 3.3);

  it('writes npy v1.0: magic, header padded to 64 bytes ending in a newline, (H, W) little-endian f4', () => {
    const npy = parseNpy(encodeNpy(values, 5, 3));
    expect(npy.header).toMatch(
      /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(3, 5\), \} *\n$/,
    );
    expect(npy.dataOffset % 64).toBe(0);
    expect([npy.width, npy.height]).toEqual([5, 3]);
    expect(Array.from(npy.values)).toEqual(Array.from(values));
  });

  it('writes PFM as MiDaS write_pfm does: Pf, "W H", -1 (little-endian), rows bottom to top', () => {
    const bytes = encodePfm(values, 5, 3);
    expect(bytes.subarray(0, 17).toString('latin1')).toBe('Pf\n5 3\n-1.000000\n');
    // The first row stored is the image's bottom row.
    expect(bytes.readFloatLE(17)).toBe(values[10]);
    const pfm = parsePfm(bytes);
    expect([pfm.width, pfm.height, pfm.scale]).toEqual([5, 3, -1]);
    expect(Array.from(pfm.values)).toEqual(Array.from(values));
  });

  it('refuses a size that does not match the values', () => {
    expect(() => encodeNpy(values, 4, 3)).toThrow(/Expected 12 values/);
    expect(() => encodePfm(values, 5, 2)).toThrow(/Expected 10 values/);
  });
});
