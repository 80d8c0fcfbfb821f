import { Injectable, Logger } from '@nestjs/common';
import type { Job } from './job.entity';

/** Domain events of a job's life, published by the services that cause them. */
export interface JobEventMap {
  /** Admitted; subscriber is a socket the uploader asked to have subscribed first. */
  queued: [job: Job, position: number, subscriber?: string];
  /** An upload of the same image was given this existing job instead of a new one. */
  deduplicated: [job: Job, subscriber?: string];
  /** A queued job moved up; already throttled by the publisher. */
  moved: [job: Job, position: number];
  started: [job: Job];
  /** Done or failed. */
  finished: [job: Job];
  /** Past its TTL; its files are gone. */
  expired: [id: string];
}

type Listener<K extends keyof JobEventMap> = (...args: JobEventMap[K]) => void;

/**
 * A small typed, synchronous event bus. Listeners run in the publisher's tick,
 * so a subscriber sees events in the order they happened; a listener that
 * throws is logged and never breaks the job that published the event.
 */
@Injectable()
export class JobEvents {
  private readonly logger = new Logger(JobEvents.name);
  private readonly listeners: { [K in keyof JobEventMap]?: Set<Listener<K>> } = {};

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof JobEventMap>(event: K, listener: Listener<K>): () => void {
    const set: Set<Listener<K>> = this.listeners[event] ?? new Set();
    (this.listeners as Record<K, Set<Listener<K>>>)[event] = set;
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<K extends keyof JobEventMap>(event: K, ...args: JobEventMap[K]): void {
    const set: Set<Listener<K>> | undefined = this.listeners[event];
    for (const listener of set ?? []) {
      try {
        listener(...args);
      } catch (error) {
        this.logger.error(`A "${event}" listener failed: ${(error as Error).message}`);
      }
    }
  }

  /** Listeners currently attached, over all events. */
  get listenerCount(): number {
    return Object.values(this.listeners).reduce((sum, set) => sum + set.size, 0);
  }
}
