import { Controller, Get, UseGuards } from '@nestjs/common';
import { redactPaths } from '../common/filters/redact-paths';
import { ReadThrottlerGuard } from '../common/throttling/named-throttler.guard';
import { InferenceService } from '../inference/inference.service';
import { MODEL_CATALOG } from '../inference/model/model-catalog';
import type { ModelInfoDto } from './dto/model-info.dto';

@Controller('api/v1/models')
@UseGuards(ReadThrottlerGuard)
export class ModelsController {
  constructor(private readonly inference: InferenceService) {}

  /**
   * The loaded models, which `model=` can name, with their contracts and
   * readiness; then the catalog's other entries, so an operator sees what
   * adding one to MODELS would offer.
   */
  @Get()
  list(): ModelInfoDto[] {
    const loaded = this.inference.models.map(
      ({ id, config, state }): ModelInfoDto => ({
        id,
        default: id === this.inference.defaultModel,
        loaded: true,
        ready: state.phase === 'ready',
        phase: state.phase,
        // Public like the probes: paths stay in the logs.
        detail: redactPaths(state.detail),
        sha256: state.model?.sha256,
        source: state.model?.source,
        contract: config.contract,
        io: state.io,
      }),
    );
    const others = MODEL_CATALOG.filter(({ id }) => !loaded.some((entry) => entry.id === id)).map(
      ({ id, contract }): ModelInfoDto => ({
        id,
        default: false,
        loaded: false,
        ready: false,
        phase: 'not-loaded',
        detail: 'In the catalog but not in MODELS, so requests cannot choose it.',
        contract,
      }),
    );
    return [...loaded, ...others];
  }
}
