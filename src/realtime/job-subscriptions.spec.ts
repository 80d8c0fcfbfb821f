import { JOB_OUTPUT, STAGE_TIMINGS } from '../../test/fixtures/job-output';
import { AppConfig } from '../config/app-config';
import { JobExpiredError, JobNotFoundError } from '../jobs/errors/job.errors';
import type { JobsService } from '../jobs/jobs.service';
import { Job } from '../results/job.entity';
import { JobsSocket, JobSubscriptions } from './job-subscriptions';

/**
 * A socket as JobSubscriptions sees it: rooms joined synchronously (as the
 * in-memory adapter does) and every emit recorded in order. The e2e specs
 * cover the same rules over real Socket.IO; these pin each rule alone.
 */
class FakeSocket {
  readonly rooms = new Set<string>(['own-room']);
  readonly sent: { name: string; payload: unknown }[] = [];
  anyListener?: (event: string) => void;

  constructor(readonly handshake: { auth: unknown } = { auth: {} }) {}

  join(room: string): void {
    this.rooms.add(room);
  }
  leave(room: string): void {
    this.rooms.delete(room);
  }
  emit(name: string, payload: unknown): boolean {
    this.sent.push({ name, payload });
    return true;
  }
  onAny(listener: (event: string) => void): void {
    this.anyListener = listener;
  }
  asSocket(): JobsSocket {
    return this as unknown as JobsSocket;
  }
}

const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function setup(maxSubscriptions = 100) {
  const config = AppConfig.fromEnv({ REALTIME_MAX_SUBSCRIPTIONS: String(maxSubscriptions) });
  const jobs = new Map<string, Job | 'expired'>();
  const heatmap = { mediaType: 'image/png', bytes: Buffer.from('png bytes') };
  const service: Pick<JobsService, 'current' | 'positionOf' | 'render'> = {
    current: (id) => {
      const found = jobs.get(id);
      if (found === 'expired') throw new JobExpiredError(id);
      if (!found) throw new JobNotFoundError(`Job ${id} not found.`);
      return found;
    },
    positionOf: (job) => (job.status === 'queued' ? 3 : undefined),
    render: (job) =>
      Promise.resolve(
        job.status === 'done'
          ? { ...heatmap, filename: `${job.id}.png`, headers: {}, cache: 'hit' }
          : null,
      ),
  };
  const subscriptions = new JobSubscriptions(config, service as JobsService);
  const add = (n: number, state: 'queued' | 'done' | 'failed' = 'queued') => {
    const job = Object.assign(new Job('png', 0), { id: ID(n) });
    if (state === 'done') {
      job.start(1);
      job.complete(JOB_OUTPUT, STAGE_TIMINGS, 2);
    }
    if (state === 'failed') job.fail('timeout', 'too slow', 2);
    jobs.set(job.id, job);
    return job;
  };
  return { subscriptions, jobs, add, heatmap };
}

describe('JobSubscriptions', () => {
  it('follows a queued job and sends its state before the ack', async () => {
    const { subscriptions, add } = setup();
    const socket = new FakeSocket();
    add(1);
    const ack = await subscriptions.subscribe(socket.asSocket(), { ids: [ID(1)] });
    expect(ack).toEqual({ subscribed: [ID(1)], rejected: [] });
    expect(socket.rooms.has(`job:${ID(1)}`)).toBe(true);
    expect(socket.sent).toEqual([{ name: 'job.queued', payload: { id: ID(1), position: 3 } }]);
  });

  it('sends a finished job its final state without joining a room', async () => {
    const { subscriptions, add } = setup();
    const socket = new FakeSocket();
    add(1, 'failed');
    await subscriptions.subscribe(socket.asSocket(), { ids: [ID(1)] });
    expect(socket.rooms.size).toBe(1);
    expect(socket.sent).toMatchObject([{ name: 'job.failed', payload: { reason: 'timeout' } }]);
  });

  it('rejects unknown and expired ids with a job.error each, and subscribes the rest', async () => {
    const { subscriptions, jobs, add } = setup();
    const socket = new FakeSocket();
    add(1);
    jobs.set(ID(2), 'expired');
    const ack = await subscriptions.subscribe(socket.asSocket(), { ids: [ID(1), ID(2), ID(3)] });
    expect(ack.subscribed).toEqual([ID(1)]);
    expect(ack.rejected).toEqual([
      { id: ID(2), code: 'expired' },
      { id: ID(3), code: 'not_found' },
    ]);
    expect(socket.sent.filter((e) => e.name === 'job.error')).toHaveLength(2);
  });

  it('caps unfinished jobs per connection, while finished ones never count', async () => {
    const { subscriptions, add } = setup(2);
    const socket = new FakeSocket();
    [1, 2, 4].forEach((n) => add(n));
    add(3, 'done');
    const ack = await subscriptions.subscribe(socket.asSocket(), {
      ids: [ID(1), ID(2), ID(3), ID(4)],
    });
    expect(ack.subscribed).toEqual([ID(1), ID(2), ID(3)]);
    expect(ack.rejected).toEqual([{ id: ID(4), code: 'too_many_subscriptions' }]);
    // Following a job already followed is not a new subscription.
    const again = await subscriptions.subscribe(socket.asSocket(), { ids: [ID(1)] });
    expect(again.rejected).toEqual([]);
  });

  it('carries the heatmap in job.completed for an inline socket, and only there', async () => {
    const { subscriptions, add, heatmap } = setup();
    const inline = new FakeSocket({ auth: { inline: 'heatmap' } });
    const plain = new FakeSocket();
    add(1, 'done');
    await subscriptions.subscribe(inline.asSocket(), { ids: [ID(1)] });
    await subscriptions.subscribe(plain.asSocket(), { ids: [ID(1)] });
    expect(inline.sent[0]).toMatchObject({ name: 'job.completed', payload: { heatmap } });
    expect(plain.sent[0].payload).not.toHaveProperty('heatmap');
  });

  it('joins an inline socket to the job’s heatmap room, so unsubscribe must leave both', () => {
    const { subscriptions, add } = setup();
    const socket = new FakeSocket({ auth: { inline: 'heatmap' } });
    subscriptions.attachUploader(socket.asSocket(), add(1));
    expect(socket.rooms.has(`job:${ID(1)}:heatmap`)).toBe(true);
    const ack = subscriptions.unsubscribe(socket.asSocket(), { ids: [ID(1)] });
    expect(ack).toEqual({ unsubscribed: [ID(1)], rejected: [] });
    expect(socket.rooms.size).toBe(1);
  });

  it('refuses a malformed payload with invalid_request, for subscribe and unsubscribe', async () => {
    const { subscriptions } = setup();
    const socket = new FakeSocket();
    const ack = await subscriptions.subscribe(socket.asSocket(), { ids: 'nope' });
    expect(ack).toEqual({ subscribed: [], rejected: [{ code: 'invalid_request' }] });
    expect(subscriptions.unsubscribe(socket.asSocket(), [])).toMatchObject({
      rejected: [{ code: 'invalid_request' }],
    });
    expect(socket.sent.map((e) => e.name)).toEqual(['job.error', 'job.error']);
  });

  it('answers unknown client events with a job.error naming the two it takes', () => {
    const { subscriptions } = setup();
    const socket = new FakeSocket();
    subscriptions.refuseUnknownEvents(socket.asSocket());
    socket.anyListener!('subscribe');
    expect(socket.sent).toEqual([]);
    socket.anyListener!('hello');
    expect(socket.sent).toEqual([
      {
        name: 'job.error',
        payload: expect.objectContaining({
          code: 'invalid_request',
          message: expect.stringMatching(/"hello".*subscribe or unsubscribe/),
        }),
      },
    ]);
  });

  it('lets an unexpected lookup error escape rather than report it as not_found', async () => {
    const broken = new JobSubscriptions(AppConfig.fromEnv({}), {
      current: () => {
        throw new Error('disk on fire');
      },
    } as unknown as JobsService);
    await expect(broken.subscribe(new FakeSocket().asSocket(), { ids: [ID(1)] })).rejects.toThrow(
      'disk on fire',
    );
  });
});
