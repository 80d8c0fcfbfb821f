import { availableParallelism } from 'node:os';
import type { AppConfig, ModelConfig } from '../config/app-config';
import type { WorkerConfig } from './inference.types';
import { spinPolicy } from './session-options';

/** What every worker thread of one model's pool starts with, in the service and the CLI alike. */
export function workerConfigFor(
  app: AppConfig,
  model: ModelConfig,
  modelPath: string,
): WorkerConfig & { faultInjection: boolean } {
  const { workers, intraOpThreads } = app;
  return {
    modelId: model.id,
    modelPath,
    intraOpThreads,
    soloThreads: app.soloIntraOpThreads,
    nice: app.workerNice,
    spinning: spinPolicy(
      { workers, intraOpThreads, soloThreads: app.soloIntraOpThreads },
      availableParallelism(),
    ),
    contract: model.contract,
    maxInputPixels: app.maxInputPixels,
    faultInjection: app.faultInjection,
  };
}
