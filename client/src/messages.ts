import { ApiError, NetworkError } from './api';
import type { FailureReason } from './contract';
import { formatBytes, formatWait } from './format';

/** What a card shows when something went wrong, and whether sending the same file again could help. */
export interface Problem {
  text: string;
  /** The server's own words, shown smaller, for whoever needs to dig further. */
  detail?: string;
  retryable: boolean;
}

const FORMATS = 'Use a JPEG, PNG, WebP, TIFF or GIF image.';

const tryAgain = (seconds: number | undefined) =>
  seconds === undefined ? 'Try again shortly.' : `Try again ${formatWait(seconds)}.`;

/** Messages for the error shape's codes; the HTTP status decides when the code is unknown. */
function fromCode(
  code: string | undefined,
  error: ApiError,
  fileName: string,
): Omit<Problem, 'detail'> | undefined {
  switch (code) {
    case 'no_file':
    case 'empty_filename':
    case 'malformed_upload':
      return { text: 'The photo did not arrive in one piece. Please try again.', retryable: true };
    case 'invalid_image':
      return {
        text: `“${fileName}” claims to be an image, but its header could not be read. The file may be damaged.`,
        retryable: false,
      };
    case 'upload_too_large': {
      const limit = /(\d+)-byte/.exec(error.message)?.[1];
      const max = limit ? ` (the limit is ${formatBytes(Number(limit))})` : '';
      return { text: `“${fileName}” is too large to upload${max}.`, retryable: false };
    }
    case 'image_too_large':
      return {
        text: `“${fileName}” has too many pixels to process. Try a smaller version of it.`,
        retryable: false,
      };
    case 'unsupported_image':
      return {
        text: `“${fileName}” is not a photo this service can read. ${FORMATS}`,
        retryable: false,
      };
    case 'rate_limited':
      return {
        text: `Too many uploads from your address in a short time. ${tryAgain(error.retryAfterSeconds)}`,
        retryable: true,
      };
    case 'queue_full':
      return {
        text: `The service is busy with other photos right now. ${tryAgain(error.retryAfterSeconds)}`,
        retryable: true,
      };
    case 'model_not_ready':
      return {
        text: `The depth model is not loaded yet (see the notice at the top of the page). ${tryAgain(error.retryAfterSeconds)}`,
        retryable: true,
      };
    case 'shutting_down':
      return {
        text: `The service is restarting. ${tryAgain(error.retryAfterSeconds)}`,
        retryable: true,
      };
    case 'not_found':
      return {
        text: 'The server no longer knows this job (it may have restarted). Upload the photo again.',
        retryable: true,
      };
    case 'expired':
      return {
        text: 'This result has expired and was deleted. Upload the photo again for a new one.',
        retryable: true,
      };
    case 'job_failed':
      return failureProblem(error.reason as FailureReason, error.message);
    default:
      return undefined;
  }
}

/** For answers without our error shape (a proxy's page, say), the status alone decides. */
const CODE_OF_STATUS: Record<number, string> = {
  404: 'not_found',
  410: 'expired',
  413: 'upload_too_large',
  415: 'unsupported_image',
};

function fromStatus({ status, retryAfterSeconds }: ApiError): Omit<Problem, 'detail'> {
  if (status === 429 || status === 503) {
    return { text: `The service is busy. ${tryAgain(retryAfterSeconds)}`, retryable: true };
  }
  if (status >= 500) {
    return { text: `The server ran into a problem (HTTP ${status}). Try again.`, retryable: true };
  }
  return { text: `The server refused the request (HTTP ${status}).`, retryable: false };
}

/** Turns anything thrown while talking to the API into words for the person using the page. */
export function describeError(error: unknown, fileName: string): Problem {
  if (error instanceof NetworkError) {
    return {
      text: 'Could not reach the server. Check your connection, then try again.',
      retryable: true,
    };
  }
  if (error instanceof ApiError) {
    const known =
      fromCode(error.code, error, fileName) ??
      fromCode(CODE_OF_STATUS[error.status], error, fileName) ??
      fromStatus(error);
    return { ...known, detail: error.message };
  }
  // A bug in this page rather than anything the user did; say so instead of hanging.
  console.error(error);
  return { text: 'Something went wrong in this page. Try again.', retryable: true };
}

const REASONS: Record<FailureReason, Omit<Problem, 'detail'>> = {
  invalid_image: {
    text: 'The photo could not be decoded: the file looks damaged or cut short.',
    retryable: false,
  },
  timeout: { text: 'Processing took too long and was stopped.', retryable: true },
  worker_error: { text: 'The depth model failed while working on this photo.', retryable: true },
  shutdown: { text: 'The service shut down before this photo was processed.', retryable: true },
  internal: { text: 'Something went wrong on the server.', retryable: true },
};

/** A job that the server accepted and then failed. */
export function failureProblem(reason: FailureReason | undefined, message: string): Problem {
  const known = (reason && REASONS[reason]) || REASONS.internal;
  return { ...known, detail: message };
}
