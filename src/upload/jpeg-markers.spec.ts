import { exceedsScans, walkHeader } from './jpeg-markers';

/** A segment with a length: marker, then the big-endian length that counts itself. */
const segment = (marker: number, payload: Buffer) =>
  Buffer.concat([
    Buffer.from([0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]),
    payload,
  ]);

// FF DA pairs in a comment exceed any limit below, so exceedsScans must walk the markers.
const comment = segment(0xfe, Buffer.alloc(2 * 64, Buffer.from([0xff, 0xda])));
const scanHeader = segment(0xda, Buffer.from([0x01, 0x01, 0x00, 0x00, 0x3f, 0x00]));
// Entropy-coded data with a stuffed 0xFF, a restart marker, and a fill byte before the next marker.
const entropy = Buffer.from([0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0xff]);
const table = segment(0xc4, Buffer.from([0x10, 0xff, 0xda]));

function jpeg(scans: number): Buffer {
  const parts = [Buffer.from([0xff, 0xd8]), comment];
  for (let i = 0; i < scans; i++) parts.push(table, scanHeader, entropy);
  parts.push(Buffer.from([0xff, 0xd9]));
  return Buffer.concat(parts);
}

describe('JPEG marker walks', () => {
  it('counts the scans themselves, past stuffing, restarts, fill bytes and FF DA in payloads', () => {
    expect(exceedsScans(jpeg(5), 5)).toBe(false);
    expect(exceedsScans(jpeg(6), 5)).toBe(true);
    expect(exceedsScans(jpeg(40), 39)).toBe(true);
    expect(exceedsScans(jpeg(40), 40)).toBe(false);
  });

  it('stops the header walk at the first scan, or when the segments run over the limit', () => {
    const bytes = jpeg(1);
    expect(walkHeader(bytes, 3)).toEqual({ end: 'scan', at: 2 + comment.length + table.length });
    expect(walkHeader(bytes, 2)).toEqual({ end: 'crowded' });
    expect(walkHeader(bytes.subarray(0, 2 + comment.length), 3)).toEqual({ end: 'short' });
    expect(walkHeader(Buffer.from([0xff, 0xd8, 0x00, 0x00, 0x00, 0x00]), 3)).toEqual({
      end: 'damaged',
    });
  });
});
