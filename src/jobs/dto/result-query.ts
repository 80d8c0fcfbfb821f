import { BadRequestException, PipeTransform } from '@nestjs/common';
import { COLORMAP_NAMES, ColormapName, DEFAULT_COLORMAP } from '../../inference/pipeline/colormap';
import type { HeatmapFormat } from '../../inference/pipeline/postprocess';
import type { OutputFormatDto, OutputsDto } from './outputs.dto';

export const OUTPUT_FORMATS: readonly OutputFormatDto[] = [
  { id: 'png', mediaType: 'image/png', extension: 'png', label: 'Heatmap (PNG)', colormap: true },
  {
    id: 'jpeg',
    mediaType: 'image/jpeg',
    extension: 'jpg',
    label: 'Heatmap (JPEG)',
    colormap: true,
  },
];

export const OUTPUTS: OutputsDto = {
  formats: [...OUTPUT_FORMATS],
  defaultFormat: 'png',
  colormaps: COLORMAP_NAMES,
  defaultColormap: DEFAULT_COLORMAP,
};

/** Validates one optional query value against a fixed list, naming the accepted values. */
class OneOfPipe<T extends string> implements PipeTransform<unknown, T> {
  constructor(
    private readonly name: string,
    private readonly allowed: readonly T[],
    private readonly fallback: T,
  ) {}

  transform(value: unknown): T {
    if (value === undefined || value === '') return this.fallback;
    if (typeof value === 'string' && (this.allowed as readonly string[]).includes(value)) {
      return value as T;
    }
    throw new BadRequestException(`${this.name} must be one of: ${this.allowed.join(', ')}.`);
  }
}

export const formatPipe = new OneOfPipe<HeatmapFormat>(
  'format',
  OUTPUT_FORMATS.map((format) => format.id),
  OUTPUTS.defaultFormat,
);
export const colormapPipe = new OneOfPipe<ColormapName>(
  'colormap',
  COLORMAP_NAMES,
  DEFAULT_COLORMAP,
);
