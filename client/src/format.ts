const KIB = 1024;

export function formatBytes(bytes: number): string {
  if (bytes < KIB) return `${bytes} B`;
  if (bytes < KIB * KIB) return `${(bytes / KIB).toFixed(bytes < 10 * KIB ? 1 : 0)} KB`;
  return `${(bytes / KIB / KIB).toFixed(1)} MB`;
}

export const formatMs = (ms: number | undefined) =>
  ms === undefined ? '–' : `${Math.round(ms).toLocaleString()} ms`;

/** Depth is relative with no unit; 4 significant digits are plenty to compare two photos. */
export const formatDepth = (value: number) =>
  Math.abs(value) >= 1e5 || (value !== 0 && Math.abs(value) < 1e-3)
    ? value.toExponential(3)
    : String(Number(value.toPrecision(4)));

export function formatWait(seconds: number): string {
  if (seconds <= 1) return 'in a moment';
  if (seconds < 90) return `in ${seconds} seconds`;
  return `in about ${Math.round(seconds / 60)} minutes`;
}

/** "photo.final.jpg" -> "photo.final"; used to name downloads after the upload. */
export function stem(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  const base = dot > 0 ? fileName.slice(0, dot) : fileName;
  return base.replace(/[^\w.-]+/g, '_') || 'photo';
}
