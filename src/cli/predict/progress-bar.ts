/**
 * One line on stderr, redrawn in place on a terminal; on a pipe or in CI it
 * prints a line per finished file instead, so logs stay readable.
 */
export class ProgressBar {
  private done = 0;
  private failed = 0;
  private readonly started = Date.now();

  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  tick(label: string, error?: string): void {
    this.done += 1;
    if (error) this.failed += 1;
    if (this.stream.isTTY) {
      this.stream.write(`\r${this.line()}\x1b[K`);
      if (error) this.stream.write(`\n  failed: ${label}: ${error}\n`);
    } else {
      this.stream.write(`${this.line()} ${error ? `failed: ${label}: ${error}` : label}\n`);
    }
  }

  finish(): void {
    if (this.stream.isTTY && this.total > 0) this.stream.write('\n');
  }

  private line(): string {
    const width = 24;
    const filled = this.total === 0 ? width : Math.round((this.done / this.total) * width);
    const seconds = (Date.now() - this.started) / 1000;
    const rate = seconds > 0 ? (this.done / seconds).toFixed(1) : '-';
    return (
      `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.done}/${this.total}` +
      ` ${rate} img/s${this.failed ? `, ${this.failed} failed` : ''}`
    );
  }
}
