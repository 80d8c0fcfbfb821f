import type { RenderParam, ResultFormat } from './render-options';

/** What a client needs to know about one result format. */
export interface ResultFormatInfo {
  id: ResultFormat;
  mediaType: string;
  /** File extension for downloads, without the dot. */
  extension: string;
  label: string;
  /** The query parameters besides format that change this rendering. */
  params: readonly RenderParam[];
}

const COLOUR: readonly RenderParam[] = ['colormap', 'invert', 'range', 'side_by_side'];

/**
 * The format registry. Adding a format is an entry here plus its encoder in
 * encoders.ts (json, metadata only, is built on the main thread instead).
 */
export const FORMAT_INFO: Readonly<Record<ResultFormat, ResultFormatInfo>> = {
  png: {
    id: 'png',
    mediaType: 'image/png',
    extension: 'png',
    label: 'Heatmap (PNG)',
    params: COLOUR,
  },
  jpeg: {
    id: 'jpeg',
    mediaType: 'image/jpeg',
    extension: 'jpg',
    label: 'Heatmap (JPEG)',
    params: COLOUR,
  },
  webp: {
    id: 'webp',
    mediaType: 'image/webp',
    extension: 'webp',
    label: 'Heatmap (WebP)',
    params: COLOUR,
  },
  png16: {
    id: 'png16',
    mediaType: 'image/png',
    extension: 'png',
    label: 'Depth, 16-bit grey (PNG)',
    params: ['invert', 'range'],
  },
  npy: {
    id: 'npy',
    mediaType: 'application/octet-stream',
    extension: 'npy',
    label: 'Depth, float32 (NumPy)',
    params: [],
  },
  pfm: {
    id: 'pfm',
    mediaType: 'application/octet-stream',
    extension: 'pfm',
    label: 'Depth, float32 (PFM)',
    params: [],
  },
  ply: {
    id: 'ply',
    mediaType: 'application/x-ply',
    extension: 'ply',
    label: 'Point cloud (PLY)',
    params: ['fov', 'step', 'edge', 'far'],
  },
  json: {
    id: 'json',
    mediaType: 'application/json',
    extension: 'json',
    label: 'Metadata (JSON)',
    params: [],
  },
};
