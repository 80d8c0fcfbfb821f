import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

/** Extensions picked up when walking a folder; a file named explicitly is always tried. */
const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.gif']);

export interface InputFile {
  path: string;
}

export interface InputListing {
  files: string[];
  /** Arguments that are neither a file nor a folder, reported as failures. */
  missing: string[];
}

/**
 * Expands the arguments into image paths in a stable order: files as given,
 * folders walked recursively (sorted, hidden entries skipped), duplicates once.
 */
export async function listInputs(args: string[]): Promise<InputListing> {
  const files: string[] = [];
  const missing: string[] = [];
  for (const arg of args) {
    const info = await stat(arg).catch(() => undefined);
    if (info?.isDirectory()) files.push(...(await walk(arg)));
    else if (info?.isFile()) files.push(arg);
    else missing.push(arg);
  }
  return { files: [...new Set(files)], missing };
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  const found: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(path)));
    else if (entry.isFile() && IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
      found.push(path);
    }
  }
  return found;
}
