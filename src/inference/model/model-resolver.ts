import { Logger } from '@nestjs/common';
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ModelConfig } from '../../config/app-config';
import { CatalogModel, findCatalogModel } from './model-catalog';
import { downloadVerified } from './model-downloader';
import { isFile, sha256File } from './model-files';

export interface ResolvedModel {
  name: string;
  path: string;
  sha256: string;
  source: 'MODEL_PATH' | 'models directory' | 'download';
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
    if (sha256 !== expected) {
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
  try {
    await downloadVerified(
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
  return { name: catalog.id, path: target, sha256: expected, source: 'download' };
}

async function fromExplicitPath(config: ModelConfig): Promise<ResolvedModel> {
  const path = config.path as string;
  if (!(await isFile(path))) {
    throw new ModelUnavailableError(
      `MODEL_PATH=${path} does not exist or is not a file. Point MODEL_PATH at an ONNX model file, ` +
        `or unset it to use models/ and the catalog download.`,
    );
  }
  const sha256 = await sha256File(path);
  if (config.sha256 && sha256 !== config.sha256) {
    throw new ModelUnavailableError(
      `MODEL_PATH=${path} has sha256 ${sha256}, but MODEL_SHA256 expects ${config.sha256}.`,
    );
  }
  return { name: `custom:${basename(path)}`, path, sha256, source: 'MODEL_PATH' };
}

function fixHint(catalog: CatalogModel, target: string, sha256: string): string {
  return (
    `To fix: download ${catalog.url} (sha256 ${sha256}) and save it as ${target}, ` +
    `or set MODEL_PATH=/path/to/model.onnx, or run "npm run model:fetch" on a machine with internet access.`
  );
}
