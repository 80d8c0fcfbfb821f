import type { Logger } from '@nestjs/common';
import type Piscina from 'piscina';
import type { WorkerLoadMessage } from './inference.worker';

/**
 * Which of a pool's threads have finished loading their session, from the
 * message each posts once. Apart from WorkerPool so the pool keeps to its
 * tasks; it logs through the pool's logger, keeping the pool's context.
 */
export class ThreadLoads {
  /** Threads that finished loading (warm or failed); only warm ones count as alive. */
  private readonly warm = new Set<number>();
  private readonly loadFailed = new Set<number>();

  constructor(
    private readonly pool: Pick<Piscina, 'threads'>,
    private readonly logger: Logger,
  ) {}

  get alive(): number {
    return this.pool.threads.filter((thread) => this.warm.has(thread.threadId)).length;
  }

  onLoad(message: WorkerLoadMessage): void {
    // Forget threads that are gone (an exited thread no longer knows its id).
    const current = new Set(this.pool.threads.map((thread) => thread.threadId));
    for (const set of [this.warm, this.loadFailed]) {
      for (const id of set) if (!current.has(id)) set.delete(id);
    }
    if (message.kind === 'warm') {
      this.warm.add(message.threadId);
      const { kernels, reason, decoder } = message.kernels;
      const loaded = `Worker thread ${message.threadId} loaded and warmed its session in ${Math.round(message.loadMs)} ms`;
      const decodes = decoder
        ? 'it decodes plain JPEG and PNG photos itself'
        : 'sharp decodes every photo (no libjpeg/libpng headers at build time)';
      if (kernels === 'native') {
        this.logger.log(`${loaded}; its pixel loops run natively, and ${decodes}.`);
      } else {
        // The service still works, about 4 ms slower per image: worth a warning, not a failure.
        this.logger.warn(`${loaded}; its pixel loops run in JS because ${reason}.`);
      }
    } else {
      this.loadFailed.add(message.threadId);
      this.logger.error(
        `Worker thread ${message.threadId} could not load the model: ${message.message}`,
      );
    }
  }

  /** Resolves once no thread is still loading its session (loading always ends; capped anyway). */
  async settled(capMs = 60_000): Promise<void> {
    const deadline = Date.now() + capMs;
    const loading = () =>
      this.pool.threads.some(
        ({ threadId }) => !this.warm.has(threadId) && !this.loadFailed.has(threadId),
      );
    while (loading() && Date.now() < deadline) await new Promise((wake) => setTimeout(wake, 20));
  }
}
