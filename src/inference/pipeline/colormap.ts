import { interpolateInferno } from 'd3-scale-chromatic';

/** A 256-entry RGB lookup table: entry i is the colour for level i/255. */
export type ColormapLut = Uint8Array;

/**
 * Builds a LUT from d3-scale-chromatic, which carries matplotlib's 256 inferno
 * samples; sampling at i/255 returns sample i exactly, so nothing is retyped
 * or re-interpolated here.
 */
export function buildLut(interpolate: (t: number) => string): ColormapLut {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const hex = interpolate(i / 255);
    const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
    if (!match) throw new Error(`Colormap returned "${hex}", expected #rrggbb.`);
    lut.set([parseInt(match[1], 16), parseInt(match[2], 16), parseInt(match[3], 16)], i * 3);
  }
  return lut;
}

export const INFERNO: ColormapLut = buildLut(interpolateInferno);

/** Maps 16-bit levels (0 = far, 65535 = near) to packed RGB through the LUT. */
export function applyLut(levels: Uint16Array, lut: ColormapLut): Uint8Array {
  const rgb = new Uint8Array(levels.length * 3);
  for (let i = 0, o = 0; i < levels.length; i++, o += 3) {
    const k = (levels[i] >> 8) * 3;
    rgb[o] = lut[k];
    rgb[o + 1] = lut[k + 1];
    rgb[o + 2] = lut[k + 2];
  }
  return rgb;
}
