import type { Response } from 'express';
import { FORMAT_INFO } from '../inference/pipeline/result-formats';
import { DEPTH_MEANING } from '../inference/pipeline/render-options';
import type { RenderSpec } from '../inference/pipeline/render-spec';
import type { Job, JobOutput } from './job.entity';

/** Response headers describing the depth behind any result. */
export const DEPTH_HEADERS = {
  min: 'X-Depth-Min',
  max: 'X-Depth-Max',
  model: 'X-Depth-Model',
  meaning: 'X-Depth-Meaning',
} as const;

/** `hit` when the bytes came from the job's files, `miss` when a worker rendered them now. */
export const RENDER_CACHE_HEADER = 'X-Render-Cache';

/** One rendering, ready to send: the bytes and everything a response needs to say about them. */
export interface RenderedResult {
  bytes: Buffer;
  mediaType: string;
  /** Built from the job id and fixed words only: safe in a Content-Disposition. */
  filename: string;
  headers: Record<string, string>;
  cache: 'hit' | 'miss';
}

/** The depth's range, model and meaning as headers; the meaning alone while the job has no output. */
export function depthHeaders(output?: JobOutput): Record<string, string> {
  const headers: Record<string, string> = { [DEPTH_HEADERS.meaning]: DEPTH_MEANING };
  if (!output) return headers;
  return {
    ...headers,
    [DEPTH_HEADERS.min]: String(output.depthMin),
    [DEPTH_HEADERS.max]: String(output.depthMax),
    // Model names are catalog ids or "custom:<file name>"; keep a header-safe subset.
    [DEPTH_HEADERS.model]: output.model.replace(/[^\w.:+-]/g, '_'),
  };
}

/** e.g. depth-<id>-magma.png, depth-<id>-gray16-inverted.png, depth-<id>.npy */
export function resultFilename(id: string, spec: RenderSpec): string {
  const info = FORMAT_INFO[spec.format];
  const parts = ['depth', id];
  if (info.params.includes('colormap')) parts.push(spec.colormap);
  if (spec.format === 'png16') parts.push('gray16');
  if (spec.invert) parts.push('inverted');
  if (spec.range) parts.push('fixed-range');
  if (spec.sideBySide) parts.push('side-by-side');
  return `${parts.join('-')}.${info.extension}`;
}

export function renderedResult(
  job: Job,
  spec: RenderSpec,
  bytes: Buffer,
  cache: RenderedResult['cache'],
): RenderedResult {
  return {
    bytes,
    mediaType: FORMAT_INFO[spec.format].mediaType,
    filename: resultFilename(job.id, spec),
    headers: depthHeaders(job.output),
    cache,
  };
}

/** Writes a rendering as a 200 response; every result route ends here. */
export function sendRendered(res: Response, result: RenderedResult): void {
  res.status(200);
  res.set(result.headers);
  res.set({
    'Content-Type': result.mediaType,
    'Content-Length': String(result.bytes.length),
    'Content-Disposition': `inline; filename="${result.filename}"`,
    [RENDER_CACHE_HEADER]: result.cache,
  });
  res.end(result.bytes);
}
