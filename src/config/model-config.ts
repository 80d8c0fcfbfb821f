import { join, resolve } from 'node:path';
import {
  DEFAULT_MODEL_ID,
  MODEL_CATALOG,
  ModelContract,
  findCatalogModel,
} from '../inference/model/model-catalog';
import type { EnvReader } from './env-parsers';

export interface ModelConfig {
  /** Catalog id: what `model=` names, and whose contract the worker follows. */
  id: string;
  /** An explicit ONNX file; skips the models directory and any download. */
  path?: string;
  /** The variable that gave path, for messages that say how to fix it. */
  pathFrom?: 'MODEL_PATH' | 'MODEL_PATHS';
  dir: string;
  /** Mirror URL / digest overriding the catalog's, e.g. for an internal artifact store. */
  url?: string;
  sha256?: string;
  download: boolean;
  downloadTimeoutMs: number;
  /** First delay before trying again after a failed load; backs off up to 10x. */
  retrySeconds: number;
  contract: ModelContract;
}

/**
 * MODELS (or its one-model form MODEL_NAME) picks catalog entries; the default
 * is MODEL_DEFAULT or the first. MODEL_PATH and the MODEL_URL / MODEL_SHA256 /
 * MODEL_INPUT_SIZE / MODEL_NORMALIZATION / MODEL_CHANNEL_ORDER overrides apply
 * to the default model, as they did when only one model could be served;
 * MODEL_PATHS points any loaded id at a local file.
 */
export function parseModels(
  env: EnvReader,
  projectRoot: string,
): { models: ModelConfig[]; model: ModelConfig } {
  const known = MODEL_CATALOG.map((model) => model.id).join(', ');
  const ids = modelIds(env, known);
  const defaultId = env.string('MODEL_DEFAULT', ids[0]);
  if (!ids.includes(defaultId)) {
    env.problems.push(
      `MODEL_DEFAULT="${defaultId}" is not one of the loaded models (${ids.join(', ')}).`,
    );
  }
  const paths = modelPaths(env, ids);
  const modelPath = env.raw('MODEL_PATH');
  if (modelPath !== undefined && paths.has(defaultId)) {
    env.problems.push(
      `MODEL_PATH and MODEL_PATHS both give a file for the default model ${defaultId}; set one.`,
    );
  }
  const shared = {
    dir: resolve(env.string('MODELS_DIR', join(projectRoot, 'models'))),
    download: env.bool('MODEL_DOWNLOAD', true),
    downloadTimeoutMs: env.int('MODEL_DOWNLOAD_TIMEOUT_MS', 30_000, 1_000),
    retrySeconds: env.int('MODEL_RETRY_SECONDS', 30, 1, 3600),
  };
  const overrides = defaultOverrides(env);
  const models = ids.map((id): ModelConfig => {
    const contract = (findCatalogModel(id) ?? MODEL_CATALOG[0]).contract;
    const base = { id, ...shared, contract };
    const local = paths.get(id);
    if (id !== defaultId) {
      return local ? { ...base, path: local, pathFrom: 'MODEL_PATHS' } : base;
    }
    const path = modelPath === undefined ? local : resolve(modelPath);
    return {
      ...base,
      path,
      pathFrom: path === undefined ? undefined : local ? 'MODEL_PATHS' : 'MODEL_PATH',
      url: overrides.url,
      sha256: overrides.sha256,
      contract: overrides.contract(contract),
    };
  });
  const model = models.find(({ id }) => id === defaultId) ?? models[0];
  return { models, model };
}

function modelIds(env: EnvReader, known: string): string[] {
  const list = env.raw('MODELS');
  const name = env.raw('MODEL_NAME');
  if (list !== undefined && name !== undefined) {
    env.problems.push('Set MODELS or MODEL_NAME (its one-model form), not both.');
  }
  const source = list !== undefined ? 'MODELS' : 'MODEL_NAME';
  const ids = (list ?? name ?? DEFAULT_MODEL_ID)
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  const unknown = ids.filter((id) => !findCatalogModel(id));
  if (unknown.length > 0) {
    env.problems.push(
      `${source} names ${unknown.map((id) => `"${id}"`).join(', ')}, not in the catalog ` +
        `(known: ${known}).`,
    );
  }
  const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (repeated.length > 0) env.problems.push(`${source} lists ${repeated.join(', ')} twice.`);
  const valid = [...new Set(ids.filter((id) => findCatalogModel(id)))];
  return valid.length > 0 ? valid : [DEFAULT_MODEL_ID];
}

/** MODEL_PATHS=id=/file.onnx,id2=/other.onnx: local files for catalog ids, e.g. offline. */
function modelPaths(env: EnvReader, ids: string[]): Map<string, string> {
  const paths = new Map<string, string>();
  const value = env.raw('MODEL_PATHS');
  if (value === undefined) return paths;
  for (const entry of value.split(',').map((part) => part.trim())) {
    const match = /^([^=\s]+)=(.+)$/.exec(entry);
    if (!match) {
      env.problems.push(
        `MODEL_PATHS entry "${entry}" must look like id=/path/to/model.onnx ` +
          '(comma-separated, one per model).',
      );
    } else if (!ids.includes(match[1])) {
      env.problems.push(
        `MODEL_PATHS names "${match[1]}", which is not a loaded model (${ids.join(', ')}).`,
      );
    } else if (paths.has(match[1])) {
      env.problems.push(`MODEL_PATHS gives "${match[1]}" twice.`);
    } else {
      paths.set(match[1], resolve(match[2].trim()));
    }
  }
  return paths;
}

/** The single-model knobs, kept for custom models served with MODEL_PATH. */
function defaultOverrides(env: EnvReader) {
  const url = env.raw('MODEL_URL');
  const sha256 = env.sha256('MODEL_SHA256');
  const sizeSet = env.raw('MODEL_INPUT_SIZE') !== undefined;
  const size = env.size('MODEL_INPUT_SIZE', { width: 256, height: 256 });
  // Validated even when unset-equivalent, so boot reports every bad variable at once.
  const normalization = env.raw('MODEL_NORMALIZATION')
    ? env.oneOf('MODEL_NORMALIZATION', ['in-graph', 'imagenet'], 'in-graph')
    : undefined;
  const channelOrder = env.raw('MODEL_CHANNEL_ORDER')
    ? env.oneOf('MODEL_CHANNEL_ORDER', ['rgb', 'bgr'], 'rgb')
    : undefined;
  return {
    url,
    sha256,
    contract: (catalog: ModelContract): ModelContract => ({
      ...catalog,
      input: sizeSet ? { kind: 'fixed', ...size } : catalog.input,
      normalization: normalization ?? catalog.normalization,
      channelOrder: channelOrder ?? catalog.channelOrder,
    }),
  };
}
