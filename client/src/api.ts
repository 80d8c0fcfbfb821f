import type { ErrorResponse, JobStatusDto, OutputsDto, UploadAcceptedDto } from './contract';
import { SOCKET_ID_HEADER } from './contract';

/** The server answered, but not with what was asked for. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The error shape's code, when the body had one (a proxy may answer with HTML). */
    readonly code: string | undefined,
    message: string,
    readonly retryAfterSeconds: number | undefined,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The request never got an answer: offline, server down, connection reset. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('The server could not be reached.', { cause });
    this.name = 'NetworkError';
  }
}

function isErrorResponse(body: unknown): body is ErrorResponse {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as ErrorResponse).code === 'string' &&
    typeof (body as ErrorResponse).error === 'string'
  );
}

/** Retry-After may also be an HTTP date; both forms become whole seconds from now. */
function retryAfter(res: Response): number | undefined {
  const header = res.headers.get('Retry-After');
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

export async function toApiError(res: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    // Not our JSON (a proxy's HTML page, say): the status code still says enough.
  }
  const known = isErrorResponse(body) ? body : undefined;
  return new ApiError(
    res.status,
    known?.code,
    known?.error ?? `HTTP ${res.status} ${res.statusText}`.trim(),
    retryAfter(res),
    known?.reason,
  );
}

async function send(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    throw new NetworkError(error);
  }
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await send(url, init);
  if (!res.ok) throw await toApiError(res);
  return (await res.json()) as T;
}

/** socketId lets the server subscribe our socket before it announces the job. */
export function uploadPhoto(file: File, socketId?: string): Promise<UploadAcceptedDto> {
  const body = new FormData();
  body.append('file', file, file.name);
  const headers: Record<string, string> = {};
  if (socketId) headers[SOCKET_ID_HEADER] = socketId;
  return json<UploadAcceptedDto>('/api/v1/depth', { method: 'POST', body, headers });
}

export const getJobStatus = (id: string) =>
  json<JobStatusDto>(`/api/v1/depth/${encodeURIComponent(id)}`, { cache: 'no-store' });

export const getOutputs = () => json<OutputsDto>('/api/v1/outputs');

/** Used after an <img> fails to load, to learn why (expired, gone, server error). */
export async function probe(url: string): Promise<void> {
  const res = await send(url, { cache: 'no-store' });
  if (!res.ok) throw await toApiError(res);
  await res.body?.cancel();
}

export function resultUrl(base: string, params: { format?: string; colormap?: string }): string {
  const query = new URLSearchParams();
  if (params.format) query.set('format', params.format);
  if (params.colormap) query.set('colormap', params.colormap);
  const qs = query.toString();
  return qs ? `${base}?${qs}` : base;
}
