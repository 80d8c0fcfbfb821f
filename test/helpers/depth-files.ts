/*
 * Independent readers of the float exports, written from the format
 * definitions (numpy's NEP 1 header, MiDaS read_pfm), not from the encoders.
 */

export interface FloatImage {
  width: number;
  height: number;
  /** Row-major, top row first. */
  values: Float32Array;
}

export function parseNpy(bytes: Buffer): FloatImage & { header: string; dataOffset: number } {
  if (bytes.subarray(0, 6).toString('latin1') !== '\x93NUMPY') throw new Error('Not an npy file.');
  if (bytes[6] !== 1 || bytes[7] !== 0) throw new Error(`npy version ${bytes[6]}.${bytes[7]}.`);
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  const descr = /'descr': '([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order': (True|False)/.exec(header)?.[1];
  const shape = /'shape': \((\d+), (\d+)\)/.exec(header);
  if (descr !== '<f4' || fortran !== 'False' || !shape) throw new Error(`Header: ${header}`);
  const [height, width] = [Number(shape[1]), Number(shape[2])];
  const dataOffset = 10 + headerLength;
  const values = new Float32Array(width * height);
  for (let i = 0; i < values.length; i++) values[i] = bytes.readFloatLE(dataOffset + 4 * i);
  if (bytes.length !== dataOffset + 4 * values.length) throw new Error('npy data size mismatch.');
  return { width, height, values, header, dataOffset };
}

/** As MiDaS read_pfm: three text lines, then rows bottom to top in the scale's byte order. */
export function parsePfm(bytes: Buffer): FloatImage & { scale: number } {
  const lines: string[] = [];
  let offset = 0;
  while (lines.length < 3) {
    const end = bytes.indexOf(0x0a, offset);
    lines.push(bytes.subarray(offset, end).toString('latin1'));
    offset = end + 1;
  }
  if (lines[0] !== 'Pf') throw new Error(`Not a greyscale PFM: ${lines[0]}`);
  const [width, height] = lines[1].split(' ').map(Number);
  const scale = Number(lines[2]);
  const little = scale < 0;
  const values = new Float32Array(width * height);
  for (let row = 0; row < height; row++) {
    const y = height - 1 - row;
    for (let x = 0; x < width; x++) {
      const at = offset + 4 * (row * width + x);
      values[y * width + x] = little ? bytes.readFloatLE(at) : bytes.readFloatBE(at);
    }
  }
  if (bytes.length !== offset + 4 * values.length) throw new Error('PFM data size mismatch.');
  return { width, height, values, scale };
}

export function minMax(values: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  return { min, max };
}
