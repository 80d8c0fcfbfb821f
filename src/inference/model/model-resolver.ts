import { Logger } from '@nestjs/common';
import { mkdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ModelConfig } from '../../config/app-config';
import { CatalogModel, findCatalogModel } from './model-catalog';
import { downloadVerified } from './model-downloader';
import { isFile, sha256File } from './model-files';

export interface ResolvedModel {
  name: string;
  path: string;
  sha256: string;
  source: 'MODEL_PATH' | 'MODEL_PATHS' | 'models directory' | 'download';
}

/** Raised when no usable model file can be had; the message says how to fix it. */
export class ModelUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelUnavailableError';
  }
}

export type ResolvePhase = (phase: 'downloading', detail: string) => void;

/**
 * Finds the model file: MODEL_PATH first, then models/<file>, then a verified
 * download from the catalog URL (or its MODEL_URL mirror) into models/.
 */
export async function resolveModel(
  config: ModelConfig,
  onPhase: ResolvePhase,
): Promise<ResolvedModel> {
  if (config.path) return fromExplicitPath(config);
  const catalog = findCatalogModel(config.id);
  if (!catalog) throw new ModelUnavailableError(`Model "${config.id}" is not in the catalog.`);
  const expected = config.sha256 ?? catalog.sha256;
  const target = join(config.dir, catalog.file);
  const howToFix = fixHint(catalog, target, expected);

  if (await isFile(target)) {
    const sha256 = await sha256File(target);
    if (expected === undefined) {
      warnUnpinned(catalog, target, sha256, (await stat(target)).size);
    } else if (sha256 !== expected) {
      throw new ModelUnavailableError(
        `${target} has sha256 ${sha256}, expected ${expected}: the file is corrupt or a different model. ` +
          `Delete it so it is downloaded again, or set MODEL_PATH to serve it anyway. ${howToFix}`,
      );
    }
    return { name: catalog.id, path: target, sha256, source: 'models directory' };
  }
  if (!config.download) {
    throw new ModelUnavailableError(`${target} is missing and MODEL_DOWNLOAD is off. ${howToFix}`);
  }
  await mkdir(config.dir, { recursive: true });
  const url = config.url ?? catalog.url;
  const bytes = config.url ? undefined : catalog.bytes;
  const logger = new Logger('ModelResolver');
  let nextTenth = 1;
  let downloaded: { sha256: string; bytes: number };
  try {
    downloaded = await downloadVerified(
      { url, sha256: expected, bytes, target, stallTimeoutMs: config.downloadTimeoutMs },
      (received, total) => {
        const fraction = total ? received / total : 0;
        onPhase('downloading', total ? `${Math.floor(fraction * 100)}%` : `${received} bytes`);
        if (total && fraction * 10 >= nextTenth) {
          logger.log(`Model download ${Math.floor(fraction * 100)}% (${received}/${total} bytes).`);
          nextTenth = Math.floor(fraction * 10) + 1;
        }
      },
    );
  } catch (error) {
    throw new ModelUnavailableError(`${(error as Error).message} ${howToFix}`);
  }
  if (expected === undefined) warnUnpinned(catalog, target, downloaded.sha256, downloaded.bytes);
  return { name: catalog.id, path: target, sha256: downloaded.sha256, source: 'download' };
}

/**
 * An entry without a pinned digest cannot be verified; it is served, and the
 * digest is logged so that an operator who trusts the file can pin it.
 */
function warnUnpinned(catalog: CatalogModel, target: string, sha256: string, bytes: number): void {
  new Logger('ModelResolver').warn(
    `UNVERIFIED MODEL: ${catalog.id} has no pinned sha256 in the catalog, so ${target} ` +
      `(${bytes} bytes, sha256 ${sha256}) is served without verification. If it came from ` +
      `${catalog.url}, pin it: set MODEL_SHA256=${sha256} or add bytes and sha256 to its catalog entry.`,
  );
}

async function fromExplicitPath(config: ModelConfig): Promise<ResolvedModel> {
  const path = config.path as string;
  const from = config.pathFrom ?? 'MODEL_PATH';
  const setting = from === 'MODEL_PATH' ? `MODEL_PATH=${path}` : `MODEL_PATHS ${config.id}=${path}`;
  if (!(await isFile(path))) {
    throw new ModelUnavailableError(
      `${setting} does not exist or is not a file. Point ${from} at an ONNX model file, ` +
        `or unset it to use models/ and the catalog download.`,
    );
  }
  const sha256 = await sha256File(path);
  if (config.sha256 && sha256 !== config.sha256) {
    throw new ModelUnavailableError(
      `${setting} has sha256 ${sha256}, but MODEL_SHA256 expects ${config.sha256}.`,
    );
  }
  return { name: `custom:${basename(path)}`, path, sha256, source: from };
}

function fixHint(catalog: CatalogModel, target: string, sha256: string | undefined): string {
  const digest = sha256 ? ` (sha256 ${sha256})` : '';
  return (
    `To fix: download ${catalog.url}${digest} and save it as ${target}, ` +
    `or set MODEL_PATH=/path/to/model.onnx (MODEL_PATHS=${catalog.id}=/path/to/model.onnx when it is ` +
    `not the default model), or run "npm run model:fetch" on a machine with internet access.`
  );
}
