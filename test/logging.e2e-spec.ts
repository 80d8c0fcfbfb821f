import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { model, photo, ROOT } from './helpers/paths';
import { sleep } from './helpers/test-app';

type LogLine = Record<string, unknown> & { level: string; msg: string; requestId?: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The real built server in its own process, so its stdout is exactly what production writes. */
describe('JSON logs with request ids', () => {
  let server: ChildProcess;
  let stdout = '';
  let stderr = '';
  let url = '';

  beforeAll(async () => {
    const probe = join(ROOT, 'test', 'helpers', 'promise-hooks-probe.js');
    server = spawn(process.execPath, ['--require', probe, join(ROOT, 'dist', 'main.js')], {
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        MODEL_PATH: model('tiny'),
        // One worker, so later jobs are started by the end of an earlier one.
        WORKERS: '1',
        UPLOAD_RATE_LIMIT: 'off',
        // Each upload of the same photo must be a job of its own, with its own request's id.
        DEDUPE: 'off',
        RESULTS_DIR: mkdtempSync(join(tmpdir(), 'depthserve-logging-')),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    server.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    for (let i = 0; i < 400 && !url; i++) {
      const listening = lines().find((line) => line.msg.startsWith('depthserve listening on'));
      const found = /listening on (http:\/\/\S+)/.exec(listening?.msg ?? '')?.[1];
      if (found && (await fetch(`${found}/readyz`).catch(() => undefined))?.status === 200) {
        url = found;
      } else await sleep(50);
    }
    if (!url) throw new Error(`The server did not become ready:\n${stdout}`);
  });

  afterAll(async () => {
    server.kill('SIGTERM');
    await once(server, 'exit');
  });

  /** Every line on stdout must be one JSON object. */
  function lines(): LogLine[] {
    return stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as LogLine);
  }

  async function waitForLine(match: (line: LogLine) => boolean): Promise<LogLine> {
    for (let i = 0; i < 400; i++) {
      const line = lines().find(match);
      if (line) return line;
      await sleep(25);
    }
    throw new Error(`No such log line in:\n${stdout}`);
  }

  function upload(headers: Record<string, string> = {}, path = '/api/v1/depth'): Promise<Response> {
    const form = new FormData();
    form.append('file', new Blob([readFileSync(photo('chelsea_cat_small.jpg'))]), 'cat.jpg');
    return fetch(`${url}${path}`, { method: 'POST', body: form, headers });
  }

  it('writes only JSON lines, boot lines included, with level, time and the writing class', () => {
    const all = lines();
    expect(all.length).toBeGreaterThan(5);
    for (const line of all) {
      expect(line).toMatchObject({ level: expect.any(String), time: expect.any(String) });
    }
    expect(all).toContainEqual(
      expect.objectContaining({
        context: 'InferenceService',
        msg: expect.stringMatching(/^Inference ready/),
      }),
    );
    // CI builds the addon with libjpeg and libpng, so the worker says it decodes plain photos.
    expect(all).toContainEqual(
      expect.objectContaining({
        level: 'info',
        context: 'WorkerPool',
        msg: expect.stringMatching(
          /^Worker thread \d+ loaded and warmed its session in \d+ ms; its pixel loops run natively, and it decodes plain JPEG and PNG photos itself\.$/,
        ),
      }),
    );
  });

  it('carries a well-formed incoming X-Request-Id into the access line and every line of its job', async () => {
    const requestIds = ['trace.A-1_x', 'trace.B-2_y', 'trace.C-3_z'];
    // Concurrent uploads queue behind one worker: each job must keep its own request's id.
    const responses = await Promise.all(requestIds.map((id) => upload({ 'X-Request-Id': id })));
    const jobIds: string[] = [];
    for (const [i, res] of responses.entries()) {
      expect(res.status).toBe(202);
      expect(res.headers.get('x-request-id')).toBe(requestIds[i]);
      jobIds.push(((await res.json()) as { id: string }).id);
    }
    for (const [i, jobId] of jobIds.entries()) {
      const done = await waitForLine((line) => line.msg.startsWith(`Job ${jobId} done`));
      expect(done).toMatchObject({
        level: 'info',
        context: 'JobRunner',
        requestId: requestIds[i],
      });
      const about = lines().filter((line) => line.msg.includes(jobId));
      expect(about.map((line) => line.msg.split(' ')[2])).toEqual(['queued', 'started', 'done']);
      for (const line of about) expect(line.requestId).toBe(requestIds[i]);
      expect(lines()).toContainEqual(
        expect.objectContaining({
          context: 'HTTP',
          requestId: requestIds[i],
          method: 'POST',
          path: '/api/v1/depth',
          statusCode: 202,
          durationMs: expect.any(Number),
        }),
      );
    }
  });

  it('names the request on the job lines of sync and legacy uploads, the sync wait and later renderings', async () => {
    const sync = await upload({ 'X-Request-Id': 'sync.R-1' }, '/api/v1/depth/sync');
    expect(sync.status).toBe(200);
    const syncJob = sync.headers.get('x-job-id')!;
    const legacy = await upload({ 'X-Request-Id': 'legacy.R-2' }, '/upload');
    expect(legacy.status).toBe(200);
    const { request_id: legacyJob } = (await legacy.json()) as { request_id: string };
    await waitForLine((line) => line.msg.startsWith(`Job ${legacyJob} done`));
    for (const [jobId, requestId] of [
      [syncJob, 'sync.R-1'],
      [legacyJob, 'legacy.R-2'],
    ]) {
      const about = lines().filter((line) => line.msg.includes(jobId));
      expect(about.length).toBeGreaterThanOrEqual(3);
      for (const line of about) expect(line.requestId).toBe(requestId);
    }
    expect(lines()).toContainEqual(
      expect.objectContaining({
        context: 'SyncService',
        requestId: 'sync.R-1',
        msg: expect.stringMatching(new RegExp(`^Sync request got job ${syncJob} \\(done\\)`)),
      }),
    );
    // A later rendering is about the job, so it names the upload; the GET's access line names the GET.
    const magma = await fetch(`${url}/api/v1/depth/${syncJob}/result?colormap=magma`, {
      headers: { 'X-Request-Id': 'render.R-3' },
    });
    expect(magma.status).toBe(200);
    const rendered = await waitForLine(
      (line) => line.msg.startsWith('Rendered') && line.msg.includes(syncJob),
    );
    expect(rendered).toMatchObject({ context: 'ResultRenderer', requestId: 'sync.R-1' });
    await waitForLine((line) => line.context === 'HTTP' && line.requestId === 'render.R-3');
  });

  it('has carried every id above without installing promise hooks, which run for every promise', async () => {
    // The earlier tests ran async, sync and legacy jobs on this server.
    server.kill('SIGUSR2');
    for (let i = 0; i < 200 && !stderr.includes('promise hooks:'); i++) await sleep(25);
    expect(stderr).toContain('promise hooks: [false,false,false,false]');
  });

  it('generates an id when none or a malformed one is sent, and never logs the malformed one', async () => {
    const malformed = ['has space', 'x'.repeat(65), 'semi;colon', 'quote"d'];
    const sent: (string | undefined)[] = [undefined, ...malformed];
    const given: string[] = [];
    for (const id of sent) {
      const res = await fetch(`${url}/api/v1/outputs`, {
        headers: id === undefined ? {} : { 'X-Request-Id': id },
      });
      expect(res.status).toBe(200);
      const echoed = res.headers.get('x-request-id') ?? '';
      expect(echoed).toMatch(UUID);
      given.push(echoed);
    }
    expect(new Set(given).size).toBe(sent.length);
    for (const id of given) {
      await waitForLine((line) => line.context === 'HTTP' && line.requestId === id);
    }
    for (const id of malformed) expect(stdout).not.toContain(id);
  });

  it('writes no access line for probes and metrics scrapes', async () => {
    for (const path of ['/healthz', '/readyz', '/livez', '/metrics']) {
      expect(
        (
          await fetch(`${url}${path}`, {
            headers: { 'X-Request-Id': `probe${path.replace('/', '.')}` },
          })
        ).status,
      ).toBe(200);
    }
    // A request after them: once its line is out, theirs would be too.
    await fetch(`${url}/api/v1/outputs`, { headers: { 'X-Request-Id': 'after-probes' } });
    await waitForLine((line) => line.requestId === 'after-probes');
    for (const path of ['/healthz', '/readyz', '/livez', '/metrics']) {
      expect(lines().filter((line) => line.path === path)).toEqual([]);
      expect(stdout).not.toContain(`probe${path.replace('/', '.')}`);
    }
  });
});
