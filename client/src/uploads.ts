import { uploadPhoto } from './api';
import { JobCard } from './job-card';
import type { JobFeed } from './job-feed';
import { loadOutputs } from './outputs';

/** Enough to keep the server's queue fed without flooding it with a whole folder at once. */
const PARALLEL_UPLOADS = 2;

/** The list of cards: uploads them a few at a time and routes job updates to them. */
export class Uploads {
  private readonly cards = new Set<JobCard>();
  private readonly waiting: JobCard[] = [];
  /** Stops a card's job updates; cards of deduplicated uploads share a job but not this. */
  private readonly unwatch = new Map<JobCard, () => void>();
  private active = 0;

  constructor(
    private readonly list: HTMLElement,
    private readonly feed: JobFeed,
    private readonly changed: () => void,
    /** Where focus goes when the last card is removed. */
    private readonly home: () => void,
  ) {}

  get all(): JobCard[] {
    return [...this.cards];
  }

  add(files: Iterable<File>): void {
    for (const file of files) {
      const card = new JobCard(file, loadOutputs, {
        retry: (c) => {
          this.start(c);
          c.focus();
        },
        remove: (c) => this.remove(c, true),
      });
      this.cards.add(card);
      this.list.append(card.root);
      this.start(card);
    }
    this.changed();
  }

  remove(card: JobCard, moveFocus = false): void {
    const next = moveFocus ? this.neighbour(card) : undefined;
    this.stopWatching(card);
    this.cards.delete(card);
    card.destroy();
    if (moveFocus) {
      if (next) next.focus();
      else this.home();
    }
    this.changed();
  }

  clearFinished(): void {
    for (const card of this.cards) if (card.finished) this.remove(card);
  }

  private stopWatching(card: JobCard): void {
    this.unwatch.get(card)?.();
    this.unwatch.delete(card);
  }

  private neighbour(card: JobCard): JobCard | undefined {
    const all = this.all;
    const i = all.indexOf(card);
    return all[i + 1] ?? all[i - 1];
  }

  private start(card: JobCard): void {
    this.stopWatching(card);
    card.uploading('Waiting to upload…');
    this.waiting.push(card);
    this.changed();
    this.pump();
  }

  private pump(): void {
    while (this.active < PARALLEL_UPLOADS) {
      const card = this.waiting.shift();
      if (!card) return;
      this.active++;
      void this.upload(card).finally(() => {
        this.active--;
        this.pump();
      });
    }
  }

  private async upload(card: JobCard): Promise<void> {
    if (!this.cards.has(card)) return;
    card.uploading();
    const socketId = this.feed.socketId;
    try {
      const accepted = await uploadPhoto(card.file, socketId);
      if (!this.cards.has(card)) {
        // Removed while uploading: the job runs anyway, but nobody is waiting for it.
        return;
      }
      card.jobId = accepted.id;
      card.apply({ kind: 'queued' });
      const stop = this.feed.watch(
        accepted.id,
        (update) => {
          card.apply(update);
          this.changed();
        },
        socketId,
      );
      this.unwatch.set(card, stop);
    } catch (error) {
      card.rejected(error);
    }
    this.changed();
  }
}
