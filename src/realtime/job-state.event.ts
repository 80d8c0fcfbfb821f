import type { Job } from '../results/job.entity';
import type { ServerToClientEvents } from './realtime.events';

/** One server-to-client event with its payload, as a value. */
export type JobStateEvent = {
  [K in keyof ServerToClientEvents]: { name: K; payload: Parameters<ServerToClientEvents[K]>[0] };
}[keyof ServerToClientEvents];

const iso = (ms: number | undefined) => new Date(ms ?? Date.now()).toISOString();

/**
 * The event that describes a job as it is now. Live pushes and the snapshot a
 * new subscriber gets both come from here, so they can never disagree.
 */
export function jobStateEvent(job: Job, position?: number): JobStateEvent {
  const id = job.id;
  switch (job.status) {
    case 'queued':
      if (position === undefined) throw new Error(`Job ${id} is queued but has no position.`);
      return { name: 'job.queued', payload: { id, position } };
    case 'processing':
      return { name: 'job.started', payload: { id, startedAt: iso(job.startedAt) } };
    case 'done': {
      const output = job.output!;
      return {
        name: 'job.completed',
        payload: {
          id,
          finishedAt: iso(job.finishedAt),
          timings: job.timings!,
          resultUrl: `/api/v1/depth/${id}/result`,
          width: output.width,
          height: output.height,
          depthMin: output.depthMin,
          depthMax: output.depthMax,
        },
      };
    }
    case 'failed':
      return {
        name: 'job.failed',
        payload: {
          id,
          finishedAt: iso(job.finishedAt),
          reason: job.failure!.reason,
          message: job.failure!.message,
          timings: job.timings,
        },
      };
    case 'expired':
      return {
        name: 'job.error',
        payload: {
          id,
          code: 'expired',
          message: `Job ${id} has expired and its result was deleted.`,
        },
      };
  }
}
