/**
 * bench:affinity: a lever study, not part of `npm run bench`. Is the gap
 * between the pipeline ceiling and raw inference a matter of where threads
 * run? In alternating rounds it measures the service's pool of one
 * single-thread worker per core in one process, against one single-worker
 * process per core, each pinned to its own core with taskset (util-linux).
 * Raw inference, split the same two ways, is the control: if pinning helped
 * inference itself, it would lift both ceilings alike.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { sessionOptions } from '../src/inference/session-options';
import { BENCH_MODEL, ensureBenchModels } from './lib/models';
import { photoMix } from './lib/photos';
import { closedLoop, withPool } from './lib/pool-runner';
import { runRaw } from './lib/raw-runner';
import { log, printTable, writeResult } from './lib/report';
import { median, round } from './lib/stats';

type Kind = 'pipeline' | 'raw';
const MS = Number(process.env.BENCH_AFFINITY_MS ?? 8000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const MARK = 'AFFINITY ';

// A type, not an interface, so that printTable's row type accepts it.
type AffinityRow = {
  round: number;
  pipelineOneProcess: number;
  pipelinePinned: number;
  rawOneProcess: number;
  rawPinned: number;
};

/** The CPUs this process may run on (a container's cpuset need not start at 0). */
function allowedCpus(status = readFileSync('/proc/self/status', 'utf8')): number[] {
  const list = /^Cpus_allowed_list:\s*(.+)$/m.exec(status)?.[1] ?? '';
  return list.split(',').flatMap((part) => {
    const [from, to = from] = part.split('-').map(Number);
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  });
}

/** Images per second with `workers` sessions in this process; `ready` runs once all are warm. */
async function measure(kind: Kind, workers: number, ready = async () => {}): Promise<number> {
  if (kind === 'raw') {
    await ready();
    const options = sessionOptions(1);
    return (await runRaw({ modelPath: BENCH_MODEL, workers, options, durationMs: MS }))
      .imagesPerSecond;
  }
  const photos = await photoMix();
  const setup = { modelPath: BENCH_MODEL, workers, threads: 1 };
  const outcome = await withPool(setup, async (pool) => {
    await closedLoop(pool, photos, { inFlight: workers, durationMs: 1500, format: 'png' });
    await ready();
    return closedLoop(pool, photos, { inFlight: workers, durationMs: MS, format: 'png' });
  });
  return outcome.imagesPerSecond;
}

/** One pinned single-worker process per CPU, released together; their images per second summed. */
async function pinnedProcesses(kind: Kind, cpus: number[]): Promise<number> {
  const children = cpus.map((cpu) =>
    spawn('taskset', ['-c', String(cpu), process.execPath, ...process.execArgv, __filename, kind], {
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  // 'close' comes after the child's output is read; listened for at once, as a child
  // closes right after the line that reports its rate.
  const exited = children.map((child) => new Promise((done) => child.once('close', done)));
  const lines = children.map((child) => createInterface({ input: child.stdout }));
  const next = (i: number) =>
    new Promise<string>((resolve, reject) => {
      const onLine = (line: string) => {
        if (!line.startsWith(MARK)) return;
        lines[i].off('line', onLine);
        resolve(line.slice(MARK.length));
      };
      lines[i].on('line', onLine);
      children[i].once('close', (code) =>
        reject(new Error(`A pinned ${kind} child exited (${code}) before reporting.`)),
      );
    });
  await Promise.all(cpus.map((_, i) => next(i)));
  const results = cpus.map((_, i) => next(i));
  for (const child of children) child.stdin.write('go\n');
  const rates = (await Promise.all(results)).map(Number);
  await Promise.all(exited);
  return rates.reduce((a, b) => a + b, 0);
}

/** A pinned child: warms up, says so, waits for "go", measures, prints its rate. */
async function child(kind: Kind): Promise<void> {
  const go = new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  // The parent gone (its end of the pipe closed) means nobody will say "go": do not linger.
  process.stdin.once('end', () => process.exit(1));
  const rate = await measure(kind, 1, async () => {
    console.log(`${MARK}ready`);
    await go;
  });
  console.log(`${MARK}${rate}`);
  process.exit(0);
}

async function main(): Promise<void> {
  ensureBenchModels();
  const cpus = allowedCpus();
  log(`affinity: ${ROUNDS} rounds of ${MS} ms on CPUs ${cpus.join(',')}.`);
  const rows: AffinityRow[] = [];
  for (let r = 1; r <= ROUNDS; r++) {
    const row = {
      round: r,
      pipelineOneProcess: round(await measure('pipeline', cpus.length), 2),
      pipelinePinned: round(await pinnedProcesses('pipeline', cpus), 2),
      rawOneProcess: round(await measure('raw', cpus.length), 2),
      rawPinned: round(await pinnedProcesses('raw', cpus), 2),
    };
    log(`affinity round ${r}: ${JSON.stringify(row)}`);
    rows.push(row);
  }
  const m = (key: Exclude<keyof AffinityRow, 'round'>) =>
    round(median(rows.map((row) => row[key])), 2);
  const medians = {
    pipelineOneProcess: m('pipelineOneProcess'),
    pipelinePinned: m('pipelinePinned'),
    rawOneProcess: m('rawOneProcess'),
    rawPinned: m('rawPinned'),
  };
  printTable(
    'Pipeline and raw inference, one process against one pinned process per core (img/s)',
    [...rows, { round: 'median', ...medians }],
  );
  const ratios = {
    pipelineOverRawOneProcess: round(medians.pipelineOneProcess / medians.rawOneProcess, 3),
    pipelineOverRawPinned: round(medians.pipelinePinned / medians.rawPinned, 3),
    pinningGainPipeline: round(medians.pipelinePinned / medians.pipelineOneProcess, 3),
    pinningGainRaw: round(medians.rawPinned / medians.rawOneProcess, 3),
  };
  console.log(`\n${JSON.stringify(ratios)}`);
  log(`Wrote ${writeResult('affinity', { rows, medians, ratios })}.`);
}

if (require.main === module) {
  const kind = process.argv[2] as Kind | undefined;
  void (kind ? child(kind) : main());
}
