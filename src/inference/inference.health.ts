import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { redactPaths } from '../common/filters/redact-paths';
import { InferenceService, ModelState } from './inference.service';

function describe({ phase, detail, model }: Readonly<ModelState>) {
  return {
    name: model?.name ?? null,
    sha256: model?.sha256 ?? null,
    loaded: phase === 'ready',
    phase,
    // Probes are public; the full path is in the logs.
    message: detail && redactPaths(detail),
  };
}

@Injectable()
export class InferenceHealthIndicator {
  constructor(
    private readonly inference: InferenceService,
    private readonly health: HealthIndicatorService,
  ) {}

  /** The default model decides readiness; every loaded model is listed under models. */
  model(): HealthIndicatorResult {
    const data = {
      ...describe(this.inference.modelState),
      models: this.inference.models.map((slot) => ({ id: slot.id, ...describe(slot.state) })),
    };
    const check = this.health.check('model');
    return data.loaded ? check.up(data) : check.down(data);
  }

  workers(): HealthIndicatorResult {
    const { count, alive } = this.inference.workers;
    const check = this.health.check('workers');
    return alive >= count && this.inference.ready
      ? check.up({ count, alive })
      : check.down({ count, alive });
  }
}
