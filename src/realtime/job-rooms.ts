import type { Socket } from 'socket.io';
import { inlineRoomOf, wantsInline } from './inline-heatmap';
import type { JobStateEvent } from './job-state.event';

/** Each job has a room for its subscribers, and one for those that take the heatmap inline. */
export const roomOf = (id: string) => `job:${id}`;

export const roomsOf = (id: string) => [roomOf(id), inlineRoomOf(id)];

/**
 * Joins the job's room unless the socket already follows `max` jobs. The
 * in-memory adapter joins synchronously, which the no-race guarantee of
 * subscribe relies on.
 */
export function joinJobRoom(socket: Socket, id: string, max: number): boolean {
  const room = wantsInline(socket) ? inlineRoomOf(id) : roomOf(id);
  if (socket.rooms.has(room)) return true;
  // socket.rooms always holds the socket's own room as well.
  if (socket.rooms.size - 1 >= max) return false;
  void socket.join(room);
  return true;
}

/** Emits an event held as a value; the union type loses the name-payload pairing emit checks. */
export function sendEvent(target: { emit: unknown }, event: JobStateEvent): void {
  const emit = target.emit as (name: string, payload: unknown) => unknown;
  emit.call(target, event.name, event.payload);
}
