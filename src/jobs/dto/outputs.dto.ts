import { FORMAT_INFO } from '../../inference/pipeline/result-formats';
import {
  COLORMAP_NAMES,
  type ColormapName,
  DEFAULT_COLORMAP,
  DEPTH_MEANING,
  type RenderParam,
  RESULT_FORMATS,
  type ResultFormat,
} from '../../inference/pipeline/render-options';

/** One rendering GET /api/v1/depth/:id/result?format=<id> can return. */
export interface OutputFormatDto {
  id: ResultFormat;
  mediaType: string;
  /** File extension for downloads, without the dot. */
  extension: string;
  label: string;
  /** True when ?colormap= applies to this format. */
  colormap: boolean;
  /** Every query parameter besides format that applies to this format. */
  params: RenderParam[];
}

/** GET /api/v1/outputs: what the result route can render, so clients need no hard-coded lists. */
export interface OutputsDto {
  formats: OutputFormatDto[];
  defaultFormat: ResultFormat;
  colormaps: readonly ColormapName[];
  defaultColormap: ColormapName;
  /** What the depth values of every format mean. */
  meaning: string;
}

export const OUTPUTS: OutputsDto = {
  formats: RESULT_FORMATS.map((id) => {
    const { mediaType, extension, label, params } = FORMAT_INFO[id];
    return {
      id,
      mediaType,
      extension,
      label,
      colormap: params.includes('colormap'),
      params: [...params],
    };
  }),
  defaultFormat: 'png',
  colormaps: COLORMAP_NAMES,
  defaultColormap: DEFAULT_COLORMAP,
  meaning: DEPTH_MEANING,
};
