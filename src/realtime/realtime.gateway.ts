import { Logger, OnApplicationShutdown } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { AppConfig } from '../config/app-config';
import { JobExpiredError, JobNotFoundError } from '../jobs/errors/job.errors';
import { JobsService } from '../jobs/jobs.service';
import type { Job } from '../results/job.entity';
import { JobEvents } from '../results/job-events';
import {
  handshakeProblem,
  heatmapOf,
  inlineRoomOf,
  wantsInline,
  withHeatmap,
} from './inline-heatmap';
import { parseJobIds } from './job-ids.request';
import { joinJobRoom, roomOf, roomsOf, sendEvent } from './job-rooms';
import { jobStateEvent, JobStateEvent } from './job-state.event';
import type {
  ClientToServerEvents,
  JobErrorCode,
  JobErrorEvent,
  ServerToClientEvents,
  SubscribeAck,
  UnsubscribeAck,
} from './realtime.events';
import { JOBS_NAMESPACE } from './realtime.events';

type JobsSocket = Socket<ClientToServerEvents, ServerToClientEvents>;
type Rejection = SubscribeAck['rejected'][number];

const CLIENT_EVENTS = new Set<string>(['subscribe', 'unsubscribe']);

/**
 * Pushes job events to the sockets subscribed to each job's room. A
 * subscription ends with the job's final event, so rooms live no longer than
 * their jobs, and a socket's cap counts only jobs still in flight.
 */
@WebSocketGateway({ namespace: JOBS_NAMESPACE, serveClient: false, maxHttpBufferSize: 16_384 })
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnApplicationShutdown {
  private readonly logger = new Logger(RealtimeGateway.name);
  @WebSocketServer() private readonly namespace!: Namespace<
    ClientToServerEvents,
    ServerToClientEvents
  >;
  private detach: (() => void)[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly jobs: JobsService,
    private readonly events: JobEvents,
  ) {}

  afterInit(): void {
    this.namespace.use((socket, next) => {
      const problem = handshakeProblem(socket.handshake.auth);
      next(problem ? new Error(problem) : undefined);
    });
    this.detach = [
      this.events.on('queued', (job, position, subscriber) => {
        if (subscriber) this.attachUploader(subscriber, job);
        this.push(job.id, jobStateEvent(job, position));
      }),
      // The new uploader joins an existing job and gets its state now, as a subscriber would.
      this.events.on('deduplicated', (job, subscriber) => {
        const socket = subscriber && this.namespace.sockets.get(subscriber);
        if (socket) void this.snapshot(socket, job);
      }),
      this.events.on('moved', (job, position) => {
        this.push(job.id, { name: 'job.position', payload: { id: job.id, position } });
      }),
      this.events.on('started', (job) => this.push(job.id, jobStateEvent(job))),
      this.events.on('finished', (job) => void this.finish(job)),
      this.events.on('expired', (id) => this.namespace.in(roomsOf(id)).socketsLeave(roomsOf(id))),
    ];
    this.logger.log(`Job events are pushed on Socket.IO namespace ${JOBS_NAMESPACE}.`);
  }

  /** Not on module destroy: jobs finishing during shutdown still push their final events. */
  onApplicationShutdown(): void {
    this.detach.forEach((detach) => detach());
  }

  handleConnection(socket: JobsSocket): void {
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
  @SubscribeMessage('subscribe')
  async subscribe(
    @ConnectedSocket() socket: JobsSocket,
    @MessageBody() body: unknown,
  ): Promise<SubscribeAck> {
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

  @SubscribeMessage('unsubscribe')
  unsubscribe(@ConnectedSocket() socket: JobsSocket, @MessageBody() body: unknown): UnsubscribeAck {
    const request = parseJobIds(body);
    if ('problem' in request) return { unsubscribed: [], ...this.invalid(socket, request.problem) };
    request.ids.forEach((id) => roomsOf(id).forEach((room) => void socket.leave(room)));
    return { unsubscribed: request.ids, rejected: [] };
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

  /** Follows an unfinished job and sends its current state, in the same tick (or with its heatmap). */
  private snapshot(socket: JobsSocket, job: Job): Rejection | Promise<void> | undefined {
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

  /** The final event to each room (the heatmap read first for the inline one), then the rooms close. */
  private async finish(job: Job): Promise<void> {
    const event = jobStateEvent(job);
    const inline = inlineRoomOf(job.id);
    if (event.name !== 'job.completed' || !this.namespace.adapter.rooms.has(inline)) {
      this.push(job.id, event);
    } else {
      sendEvent(this.namespace.to(roomOf(job.id)), event);
      sendEvent(
        this.namespace.to(inline),
        withHeatmap(event, await heatmapOf(this.jobs, job, this.logger)),
      );
    }
    this.namespace.in(roomsOf(job.id)).socketsLeave(roomsOf(job.id));
  }

  /** The uploader named a socket; it joins before the job's first event is pushed. */
  private attachUploader(socketId: string, job: Job): void {
    const socket = this.namespace.sockets.get(socketId);
    if (socket && !this.follow(socket, job.id)) this.tooMany(socket, job.id);
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

  private push(id: string, event: JobStateEvent): void {
    sendEvent(this.namespace.to(roomsOf(id)), event);
  }
}

function errorCodeOf(error: unknown): JobErrorCode {
  if (error instanceof JobExpiredError) return 'expired';
  if (error instanceof JobNotFoundError) return 'not_found';
  throw error;
}
