import {
  interpolateInferno,
  interpolateMagma,
  interpolatePlasma,
  interpolateTurbo,
  interpolateViridis,
} from 'd3-scale-chromatic';
import type { ColormapName } from './render-options';

/** A 256-entry RGB lookup table: entry i is the colour for level i/255. */
export type ColormapLut = Uint8Array;

export { COLORMAP_NAMES, DEFAULT_COLORMAP } from './render-options';
export type { ColormapName } from './render-options';

const HEX = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i;
const RGB = /^rgb\((\d{1,3}), ?(\d{1,3}), ?(\d{1,3})\)$/;

/**
 * Builds a LUT from d3-scale-chromatic, which carries matplotlib's 256
 * samples of inferno, magma, plasma and viridis; sampling at i/255 returns
 * sample i exactly, so nothing is retyped or re-interpolated here. Turbo is
 * d3's polynomial fit of Google's map and comes back as rgb().
 */
export function buildLut(interpolate: (t: number) => string): ColormapLut {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const colour = interpolate(i / 255);
    const hex = HEX.exec(colour);
    const rgb = hex
      ? hex.slice(1).map((h) => parseInt(h, 16))
      : RGB.exec(colour)?.slice(1).map(Number);
    if (!rgb || rgb.some((c) => c > 255)) {
      throw new Error(`Colormap returned "${colour}", expected #rrggbb or rgb(r, g, b).`);
    }
    lut.set(rgb, i * 3);
  }
  return lut;
}

/** Plain grey ramp: near = white. */
const gray = (t: number) => {
  const level = Math.round(t * 255);
  return `rgb(${level}, ${level}, ${level})`;
};

export const COLORMAPS: Readonly<Record<ColormapName, ColormapLut>> = {
  inferno: buildLut(interpolateInferno),
  magma: buildLut(interpolateMagma),
  plasma: buildLut(interpolatePlasma),
  viridis: buildLut(interpolateViridis),
  turbo: buildLut(interpolateTurbo),
  gray: buildLut(gray),
};

export const INFERNO: ColormapLut = COLORMAPS.inferno;

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
