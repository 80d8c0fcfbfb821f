import { INVALID_IMAGE_PREFIX } from '../inference/inference.types';
import type { FailureReason } from '../results/job.entity';

/** Turns whatever a worker run threw into a failure reason and a message fit for the client. */
export function classifyFailure(error: unknown, timedOut: boolean, timeoutMs: number) {
  const message = error instanceof Error ? error.message : String(error);
  if (timedOut) {
    return { reason: 'timeout' as FailureReason, message: `Processing took longer than ${timeoutMs} ms.` };
  }
  if (message.startsWith(INVALID_IMAGE_PREFIX)) {
    const detail = message.slice(INVALID_IMAGE_PREFIX.length);
    return { reason: 'invalid_image' as FailureReason, message: `The image could not be decoded: ${detail}` };
  }
  return { reason: 'worker_error' as FailureReason, message: `Inference failed: ${message}` };
}
