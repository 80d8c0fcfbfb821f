/*
 * The renderings a result can take. Plain values with no imports, so the
 * browser client can share them.
 */

/** Formats a worker can encode eagerly when a job finishes. */
export const HEATMAP_FORMATS = ['png', 'jpeg'] as const;
export type HeatmapFormat = (typeof HEATMAP_FORMATS)[number];

/** Every format GET /api/v1/depth/:id/result?format= accepts, in the order /api/v1/outputs lists them. */
export const RESULT_FORMATS = [
  'png',
  'jpeg',
  'webp',
  'png16',
  'npy',
  'pfm',
  'ply',
  'json',
] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

/** Query parameters besides format; each format says which of them apply to it. */
export type RenderParam =
  'colormap' | 'invert' | 'range' | 'side_by_side' | 'fov' | 'step' | 'edge' | 'far';

export const COLORMAP_NAMES = ['inferno', 'magma', 'plasma', 'viridis', 'turbo', 'gray'] as const;
export type ColormapName = (typeof COLORMAP_NAMES)[number];
export const DEFAULT_COLORMAP: ColormapName = 'inferno';

/** How the model-sized depth is resized to the photo: PyTorch's modes, align_corners=False. */
export type UpsampleKernel = 'bicubic' | 'bilinear';
export const DEFAULT_KERNEL: UpsampleKernel = 'bicubic';

/** What every result's depth values mean; sent with each result and in the JSON status. */
export const DEPTH_MEANING = 'relative inverse depth: larger = nearer, no unit';
