import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '../../config/app-config';
import { MODEL_CATALOG } from './model-catalog';
import { ModelUnavailableError, resolveModel } from './model-resolver';

describe('resolveModel', () => {
  const noPhase = () => undefined;
  const dir = () => mkdtempSync(join(tmpdir(), 'resolver-spec-'));
  const modelConfig = (env: Record<string, string>) => AppConfig.fromEnv(env).model;

  it('prefers MODEL_PATH and reports its digest', async () => {
    const path = join(dir(), 'custom.onnx');
    writeFileSync(path, 'model bytes');
    const resolved = await resolveModel(modelConfig({ MODEL_PATH: path }), noPhase);
    expect(resolved).toEqual({
      name: 'custom:custom.onnx',
      path,
      sha256: createHash('sha256').update('model bytes').digest('hex'),
      source: 'MODEL_PATH',
    });
  });

  it('uses models/<file> when present and its sha256 matches', async () => {
    const models = dir();
    writeFileSync(join(models, MODEL_CATALOG[0].file), 'mirror copy');
    const sha = createHash('sha256').update('mirror copy').digest('hex');
    const resolved = await resolveModel(
      modelConfig({ MODELS_DIR: models, MODEL_SHA256: sha }),
      noPhase,
    );
    expect(resolved).toMatchObject({ source: 'models directory', sha256: sha });
  });

  it('refuses a models/<file> whose sha256 does not match the catalog, and says what to do', async () => {
    const models = dir();
    writeFileSync(join(models, MODEL_CATALOG[0].file), 'not the real model');
    const error = await resolveModel(modelConfig({ MODELS_DIR: models }), noPhase).catch(
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as Error).message).toContain(`expected ${MODEL_CATALOG[0].sha256}`);
    expect((error as Error).message).toContain('MODEL_PATH');
  });

  it('does not download when MODEL_DOWNLOAD is off, and names the file to provide', async () => {
    const models = dir();
    const error = await resolveModel(
      modelConfig({ MODELS_DIR: models, MODEL_DOWNLOAD: 'false' }),
      noPhase,
    ).catch((e: Error) => e);
    expect((error as Error).message).toContain(join(models, MODEL_CATALOG[0].file));
    expect((error as Error).message).toContain(MODEL_CATALOG[0].url);
    expect(readdirSync(models)).toEqual([]);
  });
});

describe('resolveModel: a catalog entry without a pinned digest', () => {
  it('serves the file found in models/ and warns loudly with its sha256 and size', async () => {
    const models = mkdtempSync(join(tmpdir(), 'resolver-spec-'));
    const entry = MODEL_CATALOG.find((model) => model.id === 'midas-v21-384')!;
    expect(entry.sha256).toBeUndefined();
    writeFileSync(join(models, entry.file), 'large model bytes');
    const sha = createHash('sha256').update('large model bytes').digest('hex');
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const config = AppConfig.fromEnv({ MODELS: entry.id, MODELS_DIR: models }).model;
      const resolved = await resolveModel(config, () => undefined);
      expect(resolved).toMatchObject({ name: entry.id, sha256: sha, source: 'models directory' });
      const [message] = warn.mock.calls.map(([line]) => String(line));
      expect(message).toMatch(/^UNVERIFIED MODEL: midas-v21-384 has no pinned sha256/);
      expect(message).toContain(`17 bytes, sha256 ${sha}`);
      expect(message).toContain(`MODEL_SHA256=${sha}`);
    } finally {
      warn.mockRestore();
    }
  });
});
