import { readFileSync } from 'node:fs';
import type { Namespace } from 'socket.io';
import { JobEvents } from '../src/results/job-events';
import { ResultsCleanupService } from '../src/results/results-cleanup.service';
import { RealtimeGateway } from '../src/realtime/realtime.gateway';
import { SOCKET_ID_HEADER } from '../src/realtime/realtime.events';
import { model, photo } from './helpers/paths';
import { RecordingClient, trackedClients } from './helpers/socket-client';
import { sleep, startApp, TestApp, until, waitFinished, waitReady } from './helpers/test-app';

const cat = () => readFileSync(photo('chelsea_cat_small.jpg'));
const UNKNOWN_ID = '0b8e0f43-8d0b-4a5e-9a2f-1d2c3b4a5f60';

async function upload(t: TestApp, socket?: RecordingClient): Promise<string> {
  const req = t.http().post('/api/v1/depth');
  if (socket) void req.set(SOCKET_ID_HEADER, socket.socket.id!);
  const res = await req.attach('file', cat(), 'cat.jpg').expect(202);
  return (res.body as { id: string }).id;
}

/** Job rooms left in the namespace (each socket also has a room of its own id). */
function gatewayOf(t: TestApp): { namespace: Namespace } {
  // The namespace is private to the gateway; tests read it to prove what it sends and keeps.
  const gateway: unknown = t.app.get(RealtimeGateway);
  return gateway as { namespace: Namespace };
}

function jobRooms(t: TestApp): string[] {
  const { namespace } = gatewayOf(t);
  return [...namespace.adapter.rooms.keys()].filter((room) => room.startsWith('job:'));
}

describe('realtime gateway: job events over Socket.IO', () => {
  let t: TestApp;
  const clients = trackedClients(() => t);
  const connect = clients.connect;

  beforeAll(async () => {
    t = await startApp({ WORKERS: '1' });
    await waitReady(t);
  });
  afterEach(clients.closeAll);
  afterAll(() => t.close());

  it('an uploader subscribed by X-Socket-Id sees queued, started, completed in that order', async () => {
    const client = await connect();
    const id = await upload(t, client);
    const completed = await client.final(id);
    expect(client.namesFor(id)).toEqual(['job.queued', 'job.started', 'job.completed']);
    expect(client.eventsFor(id)[0].payload).toEqual({ id, position: 1 });
    expect(completed.payload).toMatchObject({
      id,
      resultUrl: `/api/v1/depth/${id}/result`,
      width: 320,
      height: 213,
      depthMin: expect.any(Number),
      depthMax: expect.any(Number),
      timings: { queueMs: expect.any(Number), inferenceMs: expect.any(Number) },
    });
    const status = await waitFinished(t, id);
    expect(completed.payload.depthMax).toBe(status.result.depthMax);
  });

  it('a subscriber before completion gets the current state at once, then the rest', async () => {
    const client = await connect();
    const id = await upload(t);
    const ack = await client.socket.emitWithAck('subscribe', { ids: [id] });
    expect(ack).toEqual({ subscribed: [id], rejected: [] });
    await client.final(id);
    const names = client.namesFor(id);
    expect(['job.queued', 'job.started', 'job.completed']).toContain(names[0]);
    expect(names[names.length - 1]).toBe('job.completed');
    expect(new Set(names).size).toBe(names.length);
  });

  it('a subscriber after completion gets the final event at once', async () => {
    const id = await upload(t);
    await waitFinished(t, id);
    const client = await connect();
    await client.socket.emitWithAck('subscribe', { ids: [id] });
    expect(client.namesFor(id)).toEqual(['job.completed']);
  });

  it('a client that reconnects and subscribes again gets the state it missed', async () => {
    const client = await connect();
    const id = await upload(t);
    await client.socket.emitWithAck('subscribe', { ids: [id] });
    client.socket.disconnect();
    await waitFinished(t, id);
    client.socket.connect();
    await new Promise((resolve) => client.socket.once('connect', () => resolve(undefined)));
    await client.socket.emitWithAck('subscribe', { ids: [id] });
    expect(client.namesFor(id).at(-1)).toBe('job.completed');
  });

  it('an unknown id, or one that is not an id at all, gets an explicit error event', async () => {
    const client = await connect();
    const ack = await client.socket.emitWithAck('subscribe', { ids: [UNKNOWN_ID, '../etc'] });
    expect(ack).toEqual({
      subscribed: [],
      rejected: [
        { id: UNKNOWN_ID, code: 'not_found' },
        { id: '../etc', code: 'not_found' },
      ],
    });
    expect(client.events.map((e) => [e.name, e.payload.code])).toEqual([
      ['job.error', 'not_found'],
      ['job.error', 'not_found'],
    ]);
  });

  it('malformed payloads get an error event and never disturb other clients', async () => {
    const bystander = await connect();
    const offender = await connect();
    const id = await upload(t);
    await bystander.socket.emitWithAck('subscribe', { ids: [id] });
    const bad: unknown[] = ['nope', null, 42, [], { ids: 'x' }, { ids: [] }, { ids: [7] }];
    bad.push({ ids: Array.from({ length: 101 }, () => UNKNOWN_ID) });
    for (const payload of bad) offender.socket.emit('subscribe', payload as never);
    offender.socket.emit('unsubscribe', 'nope' as never);
    (offender.socket.emit as (name: string, value: unknown) => void)('bogus', { x: 1 });
    await offender.waitFor(() => offender.events.length === bad.length + 2);
    expect(offender.events.every((e) => e.name === 'job.error')).toBe(true);
    expect(new Set(offender.events.map((e) => e.payload.code))).toEqual(
      new Set(['invalid_request']),
    );
    expect(offender.socket.connected).toBe(true);
    await bystander.final(id);
    // A payload over the size cap costs only the sender its connection.
    offender.socket.emit('subscribe', { ids: ['x'.repeat(20_000)] });
    await until(() => !offender.socket.connected, 'the offender is disconnected', 5_000);
    expect(bystander.socket.connected).toBe(true);
    await upload(t, bystander).then((next) => bystander.final(next));
  });

  it('two clients on different jobs each see only their own job', async () => {
    const [a, b] = [await connect(), await connect()];
    const [idA, idB] = [await upload(t, a), await upload(t, b)];
    await Promise.all([a.final(idA), b.final(idB)]);
    expect(a.events.every((e) => e.payload.id === idA)).toBe(true);
    expect(b.events.every((e) => e.payload.id === idB)).toBe(true);
  });

  it('sends nothing for a job nobody follows, and everything for one that is followed', async () => {
    const { namespace } = gatewayOf(t);
    const to = jest.spyOn(namespace, 'to');
    try {
      const unfollowed = await upload(t);
      await waitFinished(t, unfollowed);
      expect(to).not.toHaveBeenCalled();
      const client = await connect();
      const followed = await upload(t, client);
      await client.final(followed);
      expect(client.namesFor(followed)).toEqual(['job.queued', 'job.started', 'job.completed']);
      expect(to).toHaveBeenCalledTimes(3);
    } finally {
      to.mockRestore();
    }
  });

  it('leaves no rooms or listeners behind once jobs finish', async () => {
    const listeners = t.app.get(JobEvents).listenerCount;
    const clientsNow = [await connect(), await connect()];
    const ids = await Promise.all(clientsNow.map((client) => upload(t, client)));
    await Promise.all(ids.map((id, i) => clientsNow[i].final(id)));
    expect(jobRooms(t)).toEqual([]);
    expect(t.app.get(JobEvents).listenerCount).toBe(listeners);
  });
});

describe('realtime gateway: a busy queue', () => {
  let t: TestApp;
  let client: RecordingClient;

  beforeAll(async () => {
    t = await startApp({
      MODEL_PATH: model('slow'),
      WORKERS: '1',
      QUEUE_MAX: '10',
      REALTIME_MAX_SUBSCRIPTIONS: '6',
    });
    await waitReady(t);
    client = await RecordingClient.connect(t);
  });
  afterAll(async () => {
    client.close();
    await t.close();
  });

  it('count down for queued jobs, at most once a second, and stop once a job starts', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await upload(t, client));
    await client.final(ids[5], 40_000);
    const last = client.eventsFor(ids[5]);
    expect(last[0]).toMatchObject({ name: 'job.queued', payload: { position: 5 } });
    expect(last.slice(-2).map((e) => e.name)).toEqual(['job.started', 'job.completed']);
    for (const id of ids) {
      const events = client.eventsFor(id);
      const positions = events
        .filter((e) => e.name === 'job.queued' || e.name === 'job.position')
        .map((e) => e.payload.position as number);
      // Strictly decreasing: every update is a real move up the queue.
      positions.slice(1).forEach((p, i) => expect(p).toBeLessThan(positions[i]));
      const names = events.map((e) => e.name);
      expect(names.lastIndexOf('job.position')).toBeLessThan(names.indexOf('job.started'));
      const moves = events.filter((e) => e.name === 'job.position').map((e) => e.at);
      moves.slice(1).forEach((at, i) => expect(at - moves[i]).toBeGreaterThanOrEqual(950));
    }
    const allMoves = ids
      .flatMap((id) => client.eventsFor(id))
      .filter((e) => e.name === 'job.position');
    expect(allMoves.length).toBeGreaterThanOrEqual(2);
    expect(jobRooms(t)).toEqual([]);
  });

  it('caps unfinished subscriptions per socket, and a finished job frees its slot', async () => {
    const capped = await RecordingClient.connect(t);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await upload(t));
    const ack = await capped.socket.emitWithAck('subscribe', { ids });
    expect(ack.subscribed).toEqual(ids.slice(0, 6));
    expect(ack.rejected).toEqual([{ id: ids[6], code: 'too_many_subscriptions' }]);
    expect(capped.namesFor(ids[6])).toEqual(['job.error']);
    await capped.final(ids[0]);
    const retry = await capped.socket.emitWithAck('subscribe', { ids: [ids[6]] });
    expect(retry.subscribed).toEqual([ids[6]]);
    await Promise.all(ids.map((id) => capped.final(id, 40_000)));
    capped.close();
  });
});

describe('realtime gateway: expiry and the upload header', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ RESULT_TTL_SECONDS: '1' });
    await waitReady(t);
  });
  afterAll(() => t.close());

  it('an expired id gets an explicit error event, before and after the sweep', async () => {
    const client = await RecordingClient.connect(t);
    const id = await upload(t);
    await waitFinished(t, id);
    await sleep(1100);
    const ack = await client.socket.emitWithAck('subscribe', { ids: [id] });
    expect(ack.rejected).toEqual([{ id, code: 'expired' }]);
    await t.app.get(ResultsCleanupService).sweep();
    await client.socket.emitWithAck('subscribe', { ids: [id] });
    expect(client.eventsFor(id).map((e) => [e.name, e.payload.code])).toEqual([
      ['job.error', 'expired'],
      ['job.error', 'expired'],
    ]);
    expect(jobRooms(t)).toEqual([]);
    client.close();
  });

  it('refuses a malformed X-Socket-Id, and accepts an upload naming a socket that is gone', async () => {
    const bad = await t
      .http()
      .post('/api/v1/depth')
      .set(SOCKET_ID_HEADER, '../../etc/passwd')
      .attach('file', cat(), 'cat.jpg')
      .expect(400);
    expect(bad.body).toMatchObject({ statusCode: 400, code: 'invalid_socket_id' });
    await t
      .http()
      .post('/api/v1/depth')
      .set(SOCKET_ID_HEADER, 'AAAAAAAAAAAAAAAAAAAA')
      .attach('file', cat(), 'cat.jpg')
      .expect(202);
  });
});

describe('realtime gateway: the heatmap inline, for connections that ask', () => {
  let t: TestApp;
  const clients = trackedClients(() => t);

  beforeAll(async () => {
    t = await startApp({ WORKERS: '1' });
    await waitReady(t);
  });
  afterEach(clients.closeAll);
  afterAll(() => t.close());

  const download = async (url: string) =>
    (await t.http().get(url).buffer(true).expect(200)).body as Buffer;

  it('carries the bytes the result URL serves in job.completed, to those connections only', async () => {
    const inline = await clients.connect({ inline: 'heatmap' });
    const plain = await clients.connect();
    const id = await upload(t, inline);
    await new Promise<void>((done) => plain.socket.emit('subscribe', { ids: [id] }, () => done()));
    const completed = await inline.final(id);
    const heatmap = completed.payload.heatmap as { mediaType: string; bytes: Buffer };
    expect(inline.namesFor(id)).toEqual(['job.queued', 'job.started', 'job.completed']);
    expect(heatmap.mediaType).toBe('image/png');
    expect(Buffer.from(heatmap.bytes).equals(await download(`/api/v1/depth/${id}/result`))).toBe(
      true,
    );
    expect((await plain.final(id)).payload).not.toHaveProperty('heatmap');
    expect(jobRooms(t)).toEqual([]);
  });

  it('sends a finished job its heatmap on subscribe, before the ack', async () => {
    const id = await upload(t);
    await waitFinished(t, id);
    const late = await clients.connect({ inline: 'heatmap' });
    const ack = await new Promise<unknown>((done) =>
      late.socket.emit('subscribe', { ids: [id] }, done),
    );
    expect(ack).toEqual({ subscribed: [id], rejected: [] });
    const completed = late.eventsFor(id);
    expect(completed.map((event) => event.name)).toEqual(['job.completed']);
    const { bytes } = completed[0].payload.heatmap as { bytes: Buffer };
    expect(Buffer.from(bytes).equals(await download(`/api/v1/depth/${id}/result`))).toBe(true);
  });

  it('refuses a connection asking for anything else inline, saying what is allowed', async () => {
    await expect(clients.connect({ inline: 'depth' })).rejects.toThrow(
      /auth.inline may only be "heatmap"/,
    );
  });
});

describe('realtime gateway: shutdown', () => {
  it('pushes the final events of running and queued jobs before the server closes', async () => {
    const t = await startApp({ MODEL_PATH: model('slow'), WORKERS: '1' });
    await waitReady(t);
    const client = await RecordingClient.connect(t);
    const [running, queued] = [await upload(t, client), await upload(t, client)];
    await client.waitFor((e) => e.name === 'job.started' && e.payload.id === running);
    await t.close();
    expect(client.namesFor(running).at(-1)).toBe('job.completed');
    // Queued jobs still run within SHUTDOWN_GRACE_MS (test/shutdown.e2e-spec.ts covers the deadline).
    expect(client.namesFor(queued).at(-1)).toBe('job.completed');
  });
});
