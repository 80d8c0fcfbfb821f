import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
export const RESULTS_DIR = join(ROOT, 'bench', 'results');

export interface Machine {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  onnxruntime: string;
  sharp: string;
}

export function machine(): Machine {
  const version = (pkg: string) =>
    (
      JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  return {
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    onnxruntime: version('onnxruntime-node'),
    sharp: version('sharp'),
  };
}

/** Writes one run's figures as JSON: a timestamped file plus `<name>-latest.json`. */
export function writeResult(name: string, data: object): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const body = JSON.stringify(
    { name, at: new Date().toISOString(), machine: machine(), ...data },
    null,
    2,
  );
  const path = join(RESULTS_DIR, `${name}-${stamp}.json`);
  writeFileSync(path, body);
  writeFileSync(join(RESULTS_DIR, `${name}-latest.json`), body);
  return path;
}

type Cell = string | number | undefined;

/** Prints rows as an aligned Markdown table, so it can be pasted into BENCHMARKS.md as is. */
export function printTable(title: string, rows: Record<string, Cell>[]): void {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  const text = (cell: Cell) => (cell === undefined ? '–' : String(cell));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => text(r[c]).length)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  console.log(`\n### ${title}\n`);
  console.log(line(columns));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(columns.map((c) => text(row[c]))));
}

export const log = (message: string) => console.error(`[bench] ${message}`);
