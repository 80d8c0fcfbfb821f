import type { ColormapName, HeatmapFormat } from '../../inference/pipeline/render-options';

/** One rendering GET /api/v1/depth/:id/result?format=<id> can return. */
export interface OutputFormatDto {
  id: HeatmapFormat;
  mediaType: string;
  /** File extension for downloads, without the dot. */
  extension: string;
  label: string;
  /** True when ?colormap= applies to this format. */
  colormap: boolean;
}

/** GET /api/v1/outputs: what the result route can render, so clients need no hard-coded lists. */
export interface OutputsDto {
  formats: OutputFormatDto[];
  defaultFormat: HeatmapFormat;
  colormaps: readonly ColormapName[];
  defaultColormap: ColormapName;
}
