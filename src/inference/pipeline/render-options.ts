/*
 * The renderings a heatmap can take. Plain values with no imports, so the
 * browser client can share them.
 */

export const HEATMAP_FORMATS = ['png', 'jpeg'] as const;
export type HeatmapFormat = (typeof HEATMAP_FORMATS)[number];

export const COLORMAP_NAMES = ['inferno', 'magma', 'plasma', 'viridis', 'turbo', 'gray'] as const;
export type ColormapName = (typeof COLORMAP_NAMES)[number];
export const DEFAULT_COLORMAP: ColormapName = 'inferno';
