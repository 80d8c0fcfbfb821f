/*
 * The Socket.IO contract for job events, shared by the gateway and the
 * browser client. Type-only imports keep it free of server code.
 */
import type { FailureReason, JobTimings } from '../results/job.types';

/** Namespace on the default Socket.IO path (/socket.io/). */
export const JOBS_NAMESPACE = '/jobs';

/** The queue position of a job that has not started; 1 = next to start. */
export interface JobQueuedEvent {
  id: string;
  position: number;
}

/** Sent when a queued job moves up; at most once per second per job, never after it starts. */
export type JobPositionEvent = JobQueuedEvent;

export interface JobStartedEvent {
  id: string;
  startedAt: string;
}

/** A job's own heatmap, in a job.completed event sent to a connection that asked for it. */
export interface InlineHeatmap {
  /** image/png unless the upload asked for another format. */
  mediaType: string;
  /** A Buffer in Node.js, an ArrayBuffer in browsers (Socket.IO binary). */
  bytes: Uint8Array | ArrayBuffer;
}

export interface JobCompletedEvent {
  id: string;
  finishedAt: string;
  timings: JobTimings;
  /** The heatmap; add ?format= and ?colormap= for other renderings. */
  resultUrl: string;
  width: number;
  height: number;
  /** Range of the raw relative inverse depth (larger = nearer, no unit). */
  depthMin: number;
  depthMax: number;
  /** Present for a connection opened with auth `{ inline: 'heatmap' }`: no download needed. */
  heatmap?: InlineHeatmap;
}

export interface JobFailedEvent {
  id: string;
  finishedAt: string;
  reason: FailureReason;
  message: string;
  timings?: JobTimings;
}

export type JobErrorCode =
  'invalid_request' | 'not_found' | 'expired' | 'too_many_subscriptions' | 'internal';

/** A request that could not be served: a malformed payload, or an id with no job behind it. */
export interface JobErrorEvent {
  /** Absent when the payload itself was malformed. */
  id?: string;
  code: JobErrorCode;
  message: string;
}

export interface ServerToClientEvents {
  'job.queued': (event: JobQueuedEvent) => void;
  'job.position': (event: JobPositionEvent) => void;
  'job.started': (event: JobStartedEvent) => void;
  'job.completed': (event: JobCompletedEvent) => void;
  'job.failed': (event: JobFailedEvent) => void;
  'job.error': (event: JobErrorEvent) => void;
}

/** Payload of subscribe and unsubscribe: one or more job ids. */
export interface JobIdsRequest {
  ids: string[];
}

export interface SubscribeAck {
  /** Ids now subscribed; each has already been sent its current state. */
  subscribed: string[];
  /** Ids refused; each also got a job.error event. */
  rejected: { id?: string; code: JobErrorCode }[];
}

export interface UnsubscribeAck {
  unsubscribed: string[];
  rejected: { id?: string; code: JobErrorCode }[];
}

export interface ClientToServerEvents {
  subscribe: (request: JobIdsRequest, ack?: (result: SubscribeAck) => void) => void;
  unsubscribe: (request: JobIdsRequest, ack?: (result: UnsubscribeAck) => void) => void;
}

/**
 * The handshake's `auth` (io(url, { auth })). `inline: 'heatmap'` makes each
 * job.completed this connection gets carry the heatmap itself, saving the
 * download's round trip.
 */
export interface JobsHandshakeAuth {
  inline?: 'heatmap';
}

/** Header on POST /api/v1/depth naming the uploader's socket, subscribed before the job is queued. */
export const SOCKET_ID_HEADER = 'x-socket-id';
