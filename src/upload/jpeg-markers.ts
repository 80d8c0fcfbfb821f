/**
 * Linear walks over a JPEG's marker structure, for admission: no pixel is
 * decoded and no library sees the bytes. Entropy-coded data is skipped by the
 * format's own rule: inside it, 0xFF is followed by a stuffed 0x00 or a restart
 * marker, so any other 0xFF pair is the next marker.
 */

/** Where the header walk to the first start-of-scan ended, and why. */
export type HeaderWalk = { end: 'scan'; at: number } | { end: 'damaged' | 'short' | 'crowded' };

const SOS = 0xda;
const EOI = 0xd9;
const SOS_MARKER = Buffer.from([0xff, SOS]);

/** Markers that stand alone, without a length: TEM, RST0-7 and SOI. */
function standalone(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8);
}

/**
 * Walks the header's marker segments to the first start-of-scan, counting at
 * most `maxSegments`; `visit` sees each segment before it (at: its 0xFF).
 */
export function walkHeader(
  b: Buffer,
  maxSegments: number,
  visit?: (marker: number, at: number) => void,
): HeaderWalk {
  let i = 2;
  let segments = 0;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return { end: 'damaged' };
    const marker = b[i + 1];
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    if (++segments > maxSegments) return { end: 'crowded' };
    if (marker === SOS) return { end: 'scan', at: i };
    visit?.(marker, i);
    i += standalone(marker) ? 2 : 2 + b.readUInt16BE(i + 2);
  }
  return { end: 'short' };
}

/**
 * Whether the file holds more than `limit` scans. Counting FF DA pairs is a
 * fast upper bound (memmem); only when it exceeds the limit, since such pairs
 * may also sit inside metadata, are the real scans counted by walking markers.
 */
export function exceedsScans(b: Buffer, limit: number): boolean {
  let pairs = 0;
  for (let i = b.indexOf(SOS_MARKER); i !== -1; i = b.indexOf(SOS_MARKER, i + 2)) {
    if (++pairs > limit) return countScans(b, limit) > limit;
  }
  return false;
}

/** Real start-of-scan markers, counted up to one past `limit`. */
function countScans(b: Buffer, limit: number): number {
  let scans = 0;
  let i = 2;
  while (i + 4 <= b.length && b[i] === 0xff) {
    const marker = b[i + 1];
    if (marker === 0xff) {
      i += 1;
      continue;
    }
    if (marker === EOI) break;
    i += standalone(marker) ? 2 : 2 + b.readUInt16BE(i + 2);
    if (marker !== SOS) continue;
    if (++scans > limit) break;
    i = nextMarker(b, i);
  }
  return scans;
}

/** The offset of the first marker after entropy-coded data starting at `from`, or the length. */
function nextMarker(b: Buffer, from: number): number {
  for (let i = b.indexOf(0xff, from); i !== -1 && i + 1 < b.length; i = b.indexOf(0xff, i + 1)) {
    const next = b[i + 1];
    if (next !== 0x00 && next !== 0xff && !(next >= 0xd0 && next <= 0xd7)) return i;
  }
  return b.length;
}
