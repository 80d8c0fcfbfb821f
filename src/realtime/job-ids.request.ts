import type { JobIdsRequest } from './realtime.events';

/** Ids one subscribe or unsubscribe message may carry. */
export const MAX_IDS_PER_REQUEST = 100;

/**
 * Checks a client payload without trusting its shape: { ids: string[] },
 * 1 to MAX_IDS_PER_REQUEST ids, each a short string. Returns the ids without
 * duplicates, or the reason the payload was refused.
 */
export function parseJobIds(payload: unknown): JobIdsRequest | { problem: string } {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { problem: 'Expected an object like { "ids": ["<job id>"] }.' };
  }
  const ids = (payload as Partial<JobIdsRequest>).ids;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_IDS_PER_REQUEST) {
    return { problem: `"ids" must be an array of 1 to ${MAX_IDS_PER_REQUEST} job ids.` };
  }
  if (!ids.every((id) => typeof id === 'string' && id.length > 0 && id.length <= 64)) {
    return { problem: '"ids" must contain only job id strings.' };
  }
  return { ids: [...new Set(ids)] };
}
