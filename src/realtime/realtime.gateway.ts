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
import type { Namespace } from 'socket.io';
import { JobsService } from '../jobs/jobs.service';
import type { Job } from '../results/job.entity';
import { JobEvents } from '../results/job-events';
import { handshakeProblem, heatmapOf, inlineRoomOf, withHeatmap } from './inline-heatmap';
import { roomOf, roomsOf, sendEvent } from './job-rooms';
import { jobStateEvent, JobStateEvent } from './job-state.event';
import { JobsSocket, JobSubscriptions } from './job-subscriptions';
import type {
  ClientToServerEvents,
  ServerToClientEvents,
  SubscribeAck,
  UnsubscribeAck,
} from './realtime.events';
import { JOBS_NAMESPACE } from './realtime.events';

/**
 * Pushes job events to the sockets subscribed to each job's room. A
 * subscription ends with the job's final event, so rooms live no longer than
 * their jobs, and a socket's cap counts only jobs still in flight. Who
 * follows what is JobSubscriptions' business.
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
    private readonly jobs: JobsService,
    private readonly events: JobEvents,
    private readonly subscriptions: JobSubscriptions,
  ) {}

  afterInit(): void {
    this.namespace.use((socket, next) => {
      const problem = handshakeProblem(socket.handshake.auth);
      next(problem ? new Error(problem) : undefined);
    });
    const socketOf = (id?: string) => (id ? this.namespace.sockets.get(id) : undefined);
    this.detach = [
      this.events.on('queued', (job, position, subscriber) => {
        const socket = socketOf(subscriber);
        if (socket) this.subscriptions.attachUploader(socket, job);
        this.push(job.id, () => jobStateEvent(job, position));
      }),
      // The new uploader joins an existing job and gets its state now, as a subscriber would.
      this.events.on('deduplicated', (job, subscriber) => {
        const socket = socketOf(subscriber);
        if (socket) void this.subscriptions.snapshot(socket, job);
      }),
      this.events.on('moved', (job, position) => {
        this.push(job.id, () => ({ name: 'job.position', payload: { id: job.id, position } }));
      }),
      this.events.on('started', (job) => this.push(job.id, () => jobStateEvent(job))),
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
    this.subscriptions.refuseUnknownEvents(socket);
  }

  @SubscribeMessage('subscribe')
  subscribe(
    @ConnectedSocket() socket: JobsSocket,
    @MessageBody() body: unknown,
  ): Promise<SubscribeAck> {
    return this.subscriptions.subscribe(socket, body);
  }

  @SubscribeMessage('unsubscribe')
  unsubscribe(@ConnectedSocket() socket: JobsSocket, @MessageBody() body: unknown): UnsubscribeAck {
    return this.subscriptions.unsubscribe(socket, body);
  }

  /** The final event to each room (the heatmap read first for the inline one), then the rooms close. */
  private async finish(job: Job): Promise<void> {
    if (!this.followed(job.id)) return;
    const event = jobStateEvent(job);
    const inline = inlineRoomOf(job.id);
    if (event.name !== 'job.completed' || !this.namespace.adapter.rooms.has(inline)) {
      sendEvent(this.namespace.to(roomsOf(job.id)), event);
    } else {
      sendEvent(this.namespace.to(roomOf(job.id)), event);
      sendEvent(
        this.namespace.to(inline),
        withHeatmap(event, await heatmapOf(this.jobs, job, this.logger)),
      );
    }
    this.namespace.in(roomsOf(job.id)).socketsLeave(roomsOf(job.id));
  }

  /**
   * Builds and sends the event only when someone follows the job: sync, polled
   * and legacy jobs have no followers, and should not pay for events nobody
   * gets. The in-memory adapter's rooms are this process's sockets, which are
   * all the followers a single server has.
   */
  private push(id: string, event: () => JobStateEvent): void {
    if (this.followed(id)) sendEvent(this.namespace.to(roomsOf(id)), event());
  }

  private followed(id: string): boolean {
    const { rooms } = this.namespace.adapter;
    return roomsOf(id).some((room) => rooms.has(room));
  }
}
