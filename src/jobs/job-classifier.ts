import { ImageDecodeError } from '../inference/errors/image-decode.error';
import { InferenceTimeoutError } from '../inference/errors/inference-timeout.error';
import type { FailureReason } from '../results/job.entity';
import { ShutdownDeadlineError } from './errors/shutdown-deadline.error';

/** Turns whatever an inference run threw into a failure reason and a message fit for the client. */
export function classifyFailure(error: unknown): { reason: FailureReason; message: string } {
  if (error instanceof InferenceTimeoutError) return { reason: 'timeout', message: error.message };
  if (error instanceof ImageDecodeError) return { reason: 'invalid_image', message: error.message };
  if (error instanceof ShutdownDeadlineError) return { reason: 'shutdown', message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { reason: 'worker_error', message: `Inference failed: ${message}` };
}
