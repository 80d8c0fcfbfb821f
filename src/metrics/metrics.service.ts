import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** Every metric name starts with this, except Node's own default metrics. */
export const PREFIX = 'depthserve_';

/**
 * The app's own registry: not prom-client's global one, so that several apps
 * in one process (as in the test suites) never register a metric twice.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  constructor() {
    // Process memory and CPU, heap, GC and event-loop lag (nodejs_eventloop_lag_*).
    collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}
