import type { Socket } from 'socket.io';
import type { JobStateEvent } from './job-state.event';
import type { JobCompletedEvent, JobsHandshakeAuth } from './realtime.events';

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
