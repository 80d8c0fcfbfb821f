import type { Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { defaultSpec } from '../inference/pipeline/render-spec';
import type { JobsService } from '../jobs/jobs.service';
import type { Job } from '../results/job.entity';
import type { JobStateEvent } from './job-state.event';
import type { InlineHeatmap, JobCompletedEvent, JobsHandshakeAuth } from './realtime.events';

/**
 * Connections opened with auth `{ inline: 'heatmap' }` follow a job in a
 * room of their own, so that its job.completed can carry the heatmap to
 * them alone while every other event goes to both rooms.
 */
export const inlineRoomOf = (id: string) => `job:${id}:heatmap`;

/** Why a handshake's auth is refused, or undefined when it is acceptable. */
export function handshakeProblem(auth: unknown): string | undefined {
  if (auth === undefined || auth === null || typeof auth !== 'object') return undefined;
  const { inline } = auth as Record<string, unknown>;
  if (inline === undefined || inline === 'heatmap') return undefined;
  return `auth.inline may only be "heatmap" (got ${JSON.stringify(inline)}).`;
}

export function wantsInline(socket: Pick<Socket, 'handshake'>): boolean {
  return (socket.handshake.auth as JobsHandshakeAuth | undefined)?.inline === 'heatmap';
}

/** The completed event with the heatmap's bytes added; any other event as it is. */
export function withHeatmap(
  event: JobStateEvent,
  heatmap: JobCompletedEvent['heatmap'],
): JobStateEvent {
  if (event.name !== 'job.completed' || !heatmap) return event;
  return { name: event.name, payload: { ...event.payload, heatmap } };
}

/** The job's own heatmap, as its result URL serves it; undefined (the URL still works) if unreadable. */
export async function heatmapOf(
  jobs: Pick<JobsService, 'render'>,
  job: Job,
  logger: Pick<Logger, 'warn'>,
): Promise<InlineHeatmap | undefined> {
  try {
    const rendered = await jobs.render(job, defaultSpec(job.output!.format));
    return rendered ? { mediaType: rendered.mediaType, bytes: rendered.bytes } : undefined;
  } catch (error) {
    logger.warn({
      msg: `The heatmap of job ${job.id} could not be sent inline (${(error as Error).message}); its event points to the URL.`,
      requestId: job.requestId,
    });
    return undefined;
  }
}
