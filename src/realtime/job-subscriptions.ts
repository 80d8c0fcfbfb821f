import { Injectable, Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { AppConfig } from '../config/app-config';
import { JobExpiredError, JobNotFoundError } from '../jobs/errors/job.errors';
import { JobsService } from '../jobs/jobs.service';
import type { Job } from '../results/job.entity';
import { heatmapOf, wantsInline, withHeatmap } from './inline-heatmap';
import { parseJobIds } from './job-ids.request';
import { joinJobRoom, roomsOf, sendEvent } from './job-rooms';
import { jobStateEvent } from './job-state.event';
import type {
  ClientToServerEvents,
  JobErrorCode,
  JobErrorEvent,
  ServerToClientEvents,
  SubscribeAck,
  UnsubscribeAck,
} from './realtime.events';

export type JobsSocket = Socket<ClientToServerEvents, ServerToClientEvents>;
type Rejection = SubscribeAck['rejected'][number];

const CLIENT_EVENTS = new Set<string>(['subscribe', 'unsubscribe']);

/**
 * Which sockets follow which jobs: subscribe and unsubscribe, the state a new
 * follower is owed at once, the per-connection cap, and the job.error each
 * refusal sends. The gateway wires these to Socket.IO and pushes the rest.
 */
@Injectable()
export class JobSubscriptions {
  private readonly logger = new Logger(JobSubscriptions.name);

  constructor(
    private readonly config: AppConfig,
    private readonly jobs: JobsService,
  ) {}

  /** Anything but subscribe and unsubscribe gets a job.error naming the two. */
  refuseUnknownEvents(socket: JobsSocket): void {
    socket.onAny((event: string) => {
      if (CLIENT_EVENTS.has(event)) return;
      this.refuse(socket, {
        code: 'invalid_request',
        message: `Unknown event "${event}"; send subscribe or unsubscribe.`,
      });
    });
  }

  /**
   * Subscribes to each id and sends its current state at once, in the same
   * tick as the join; a finished job's heatmap, when sent inline, is read
   * before the ack, so the ack still comes after every state.
   */
  async subscribe(socket: JobsSocket, body: unknown): Promise<SubscribeAck> {
    const request = parseJobIds(body);
    if ('problem' in request) return { subscribed: [], ...this.invalid(socket, request.problem) };
    const ack: SubscribeAck = { subscribed: [], rejected: [] };
    const sending: Promise<void>[] = [];
    for (const id of request.ids) {
      const outcome = this.subscribeOne(socket, id);
      if (outcome && 'code' in outcome) ack.rejected.push(outcome);
      else ack.subscribed.push(id);
      if (outcome instanceof Promise) sending.push(outcome);
    }
    await Promise.all(sending);
    return ack;
  }

  unsubscribe(socket: JobsSocket, body: unknown): UnsubscribeAck {
    const request = parseJobIds(body);
    if ('problem' in request) return { unsubscribed: [], ...this.invalid(socket, request.problem) };
    request.ids.forEach((id) => roomsOf(id).forEach((room) => void socket.leave(room)));
    return { unsubscribed: request.ids, rejected: [] };
  }

  /** Follows an unfinished job and sends its current state, in the same tick (or with its heatmap). */
  snapshot(socket: JobsSocket, job: Job): Rejection | Promise<void> | undefined {
    if (!job.finished && !this.follow(socket, job.id)) return this.tooMany(socket, job.id);
    const event = jobStateEvent(job, this.jobs.positionOf(job));
    if (event.name === 'job.completed' && wantsInline(socket)) {
      return heatmapOf(this.jobs, job, this.logger).then((heatmap) =>
        sendEvent(socket, withHeatmap(event, heatmap)),
      );
    }
    sendEvent(socket, event);
    return undefined;
  }

  /** The uploader named this socket; it joins before the job's first event is pushed. */
  attachUploader(socket: JobsSocket, job: Job): void {
    if (!this.follow(socket, job.id)) this.tooMany(socket, job.id);
  }

  private subscribeOne(socket: JobsSocket, id: string): Rejection | Promise<void> | undefined {
    let job: Job;
    try {
      job = this.jobs.current(id);
    } catch (error) {
      const code = errorCodeOf(error);
      return this.refuse(socket, { id, code, message: (error as Error).message });
    }
    return this.snapshot(socket, job);
  }

  private follow(socket: JobsSocket, id: string): boolean {
    return joinJobRoom(socket, id, this.config.realtimeMaxSubscriptions);
  }

  private tooMany(socket: JobsSocket, id: string): Rejection {
    const max = this.config.realtimeMaxSubscriptions;
    const message = `This connection already follows ${max} unfinished jobs; unsubscribe from some first.`;
    return this.refuse(socket, { id, code: 'too_many_subscriptions', message });
  }

  private invalid(socket: JobsSocket, message: string): { rejected: Rejection[] } {
    return { rejected: [this.refuse(socket, { code: 'invalid_request', message })] };
  }

  private refuse(socket: JobsSocket, error: JobErrorEvent): Rejection {
    socket.emit('job.error', error);
    return { id: error.id, code: error.code };
  }
}

function errorCodeOf(error: unknown): JobErrorCode {
  if (error instanceof JobExpiredError) return 'expired';
  if (error instanceof JobNotFoundError) return 'not_found';
  throw error;
}
