#!/usr/bin/env node
/**
 * The depthserve command line: `depthserve predict <files or folders...> --out DIR`.
 * (`npm run predict -- ...` runs the same thing from a checkout.)
 */
import { Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { predict } from './predict/predict.command';
import { parsePredictArgs, PREDICT_USAGE, UsageError } from './predict/predict-args';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'predict') {
    const help = command === undefined || command === '--help' || command === '-h';
    (help ? console.log : console.error)(PREDICT_USAGE);
    return help ? 0 : 2;
  }
  const options = parsePredictArgs(rest);
  if (!options) {
    console.log(PREDICT_USAGE);
    return 0;
  }
  // Progress and the summary are the output; the pool's per-thread lines are noise here.
  Logger.overrideLogger(['warn', 'error', 'fatal']);
  const config = configFor(options.model);
  const summary = await predict(options, config);
  const failed = summary.failures.length;
  console.log(
    `${summary.succeeded} of ${summary.total} images done in ${summary.seconds.toFixed(1)} s ` +
      `(${summary.imagesPerSecond.toFixed(2)} images/s), ${failed} failed.`,
  );
  for (const failure of summary.failures)
    console.log(`  failed: ${failure.path}: ${failure.message}`);
  return failed > 0 ? 1 : 0;
}

/**
 * The service's configuration; with --model, that model alone, so that its
 * MODEL_PATHS entry and the catalog download apply to it. MODEL_PATH, which
 * names the default model's file, is kept only when --model is that model.
 */
function configFor(model: string | undefined): AppConfig {
  const env = process.env;
  if (model === undefined) return AppConfig.fromEnv(env);
  const defaultId = (() => {
    try {
      return AppConfig.fromEnv(env).model.id;
    } catch {
      return undefined;
    }
  })();
  const paths = (env.MODEL_PATHS ?? '').split(',').filter((entry) => entry.startsWith(`${model}=`));
  return AppConfig.fromEnv({
    ...env,
    MODELS: model,
    MODEL_NAME: undefined,
    MODEL_DEFAULT: undefined,
    MODEL_PATHS: paths.length > 0 ? paths.join(',') : undefined,
    MODEL_PATH: model === defaultId ? env.MODEL_PATH : undefined,
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    const usage = error instanceof UsageError;
    console.error(usage ? `${error.message}\n\n${PREDICT_USAGE}` : error.message);
    process.exit(usage ? 2 : 1);
  },
);
