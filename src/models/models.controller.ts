import { Controller, Get, UseGuards } from '@nestjs/common';
import { redactPaths } from '../common/filters/redact-paths';
import { ReadThrottlerGuard } from '../common/throttling/named-throttler.guard';
import { InferenceService } from '../inference/inference.service';
import type { ModelInfoDto } from './dto/model-info.dto';

@Controller('api/v1/models')
@UseGuards(ReadThrottlerGuard)
export class ModelsController {
  constructor(private readonly inference: InferenceService) {}

  /** The models `model=` can name, with their contracts and readiness. */
  @Get()
  list(): ModelInfoDto[] {
    return this.inference.models.map(({ id, config, state }) => ({
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
    }));
  }
}
