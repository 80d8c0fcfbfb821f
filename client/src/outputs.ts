import { getOutputs } from './api';
import type { OutputsDto } from './contract';

/**
 * What an older server can render, used when /api/v1/outputs cannot be read:
 * both formats, and no colormap choice since ?colormap= may not be understood.
 */
const FALLBACK: OutputsDto = {
  formats: [
    {
      id: 'png',
      mediaType: 'image/png',
      extension: 'png',
      label: 'PNG',
      colormap: false,
      params: [],
    },
    {
      id: 'jpeg',
      mediaType: 'image/jpeg',
      extension: 'jpg',
      label: 'JPEG',
      colormap: false,
      params: [],
    },
  ],
  defaultFormat: 'png',
  colormaps: [],
  defaultColormap: 'inferno',
  meaning: 'relative inverse depth: larger = nearer, no unit',
};

export interface Outputs {
  dto: OutputsDto;
  /** Set when the list could not be loaded, so the page can say why choices are missing. */
  problem?: string;
}

let loading: Promise<Outputs> | undefined;

/** Loaded once and shared by every card; a failed load is retried by the next card that asks. */
export function loadOutputs(): Promise<Outputs> {
  loading ??= getOutputs().then(
    (dto) => ({ dto }),
    (error: unknown) => {
      console.warn('Could not load /api/v1/outputs:', error);
      loading = undefined;
      return {
        dto: FALLBACK,
        problem: 'Colormap choices could not be loaded from the server; showing the default.',
      };
    },
  );
  return loading;
}

const STORAGE_KEY = 'depthserve.colormap';

/** The last colormap picked, so new results open the way the user last looked at them. */
export function preferredColormap(dto: OutputsDto): string {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage can be disabled (private mode, policies); the default is fine then.
  }
  return saved && (dto.colormaps as readonly string[]).includes(saved)
    ? saved
    : dto.defaultColormap;
}

export function rememberColormap(name: string): void {
  try {
    localStorage.setItem(STORAGE_KEY, name);
  } catch {
    // See preferredColormap.
  }
}
