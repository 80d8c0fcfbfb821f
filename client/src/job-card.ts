import { ApiError } from './api';
import { h } from './dom';
import { formatBytes, formatMs } from './format';
import type { JobUpdate } from './job-updates';
import { describeError, failureProblem, type Problem } from './messages';
import type { Outputs } from './outputs';
import { pointCloudToggle, type PointCloudToggle } from './point-cloud-toggle';
import { resultView } from './result-view';

export type CardState = 'uploading' | 'queued' | 'processing' | 'done' | 'failed' | 'rejected';

export interface CardActions {
  retry: (card: JobCard) => void;
  remove: (card: JobCard) => void;
}

/** One uploaded photo and everything that happens to it, as a list item. */
export class JobCard {
  readonly root: HTMLLIElement;
  /** The job of the latest attempt; a retry replaces it. */
  jobId: string | undefined;
  private readonly photoUrl: string;
  private readonly title: HTMLHeadingElement;
  private readonly statusText = h('span', { class: 'status-text' });
  private readonly message = h('span', { class: 'status-message', hidden: true });
  private readonly detail = h('span', { class: 'status-detail', hidden: true });
  private readonly retryButton: HTMLButtonElement;
  private readonly body = h('div', { class: 'card-body' });
  /** Holds a WebGL context while open, so it is disposed whenever the result goes. */
  private pointCloud: PointCloudToggle | undefined;
  /** Bumped by each upload, so a slow answer about an earlier attempt cannot land on a retry. */
  private attempt = 0;

  constructor(
    readonly file: File,
    private readonly outputs: () => Promise<Outputs>,
    actions: CardActions,
  ) {
    this.photoUrl = URL.createObjectURL(file);
    const thumb = h('img', { class: 'thumb', src: this.photoUrl, alt: '' });
    // Not every upload is a picture the browser can show (that is what the server checks).
    thumb.addEventListener('error', () => thumb.replaceWith(h('span', { class: 'thumb none' })));
    this.title = h('h3', { class: 'card-title', tabindex: -1, title: file.name }, file.name);
    this.retryButton = h('button', { type: 'button', class: 'button', hidden: true }, 'Retry');
    this.retryButton.setAttribute('aria-label', `Retry ${file.name}`);
    this.retryButton.addEventListener('click', () => actions.retry(this));
    const remove = h('button', { type: 'button', class: 'button quiet' }, 'Remove');
    remove.setAttribute('aria-label', `Remove ${file.name}`);
    remove.addEventListener('click', () => actions.remove(this));

    this.root = h(
      'li',
      { class: 'card' },
      h(
        'div',
        { class: 'card-head' },
        thumb,
        h(
          'div',
          { class: 'card-name' },
          this.title,
          h('p', { class: 'hint' }, formatBytes(file.size)),
        ),
        h('div', { class: 'card-actions' }, this.retryButton, remove),
      ),
      // One polite region per card, read as a whole, so each change is announced once.
      h(
        'p',
        { class: 'status', role: 'status', 'aria-atomic': 'true' },
        this.statusText,
        this.message,
        this.detail,
      ),
      h('div', { class: 'progress', 'aria-hidden': 'true' }),
      this.body,
    );
  }

  get state(): CardState {
    return this.root.dataset.state as CardState;
  }

  get finished(): boolean {
    return ['done', 'failed', 'rejected'].includes(this.state);
  }

  uploading(text = 'Uploading…'): void {
    this.attempt++;
    this.jobId = undefined;
    this.clearBody();
    this.set('uploading', text);
  }

  apply(update: JobUpdate): void {
    switch (update.kind) {
      case 'queued':
        return this.set(
          'queued',
          update.position ? `Queued — position ${update.position}` : 'Queued',
        );
      case 'processing':
        return this.set('processing', 'Processing…');
      case 'failed':
        return this.fail('failed', 'Failed', failureProblem(update.reason, update.message));
      case 'gone': {
        const status = update.code === 'expired' ? 410 : 404;
        return this.lost(new ApiError(status, update.code, update.message, undefined));
      }
      case 'done': {
        this.set('done', `Done in ${formatMs(update.result.timings.totalMs)}`);
        const attempt = this.attempt;
        void this.outputs().then((outputs) => {
          if (attempt !== this.attempt) return;
          const view = resultView({
            fileName: this.file.name,
            photoUrl: this.photoUrl,
            result: update.result,
            outputs,
            lost: (error) => this.lost(error),
          });
          this.clearBody();
          this.pointCloud = pointCloudToggle({
            fileName: this.file.name,
            result: update.result,
            lost: (error) => this.lost(error),
          });
          this.body.replaceChildren(view, this.pointCloud.root);
        });
      }
    }
  }

  /** The server has no job (or no result) behind this card any more. */
  private lost(error: ApiError): void {
    this.clearBody();
    this.fail('failed', 'Unavailable', describeError(error, this.file.name));
  }

  /** The upload itself was refused or never arrived. */
  rejected(error: unknown): void {
    this.fail('rejected', 'Upload failed', describeError(error, this.file.name));
  }

  focus(): void {
    this.title.focus();
  }

  destroy(): void {
    this.clearBody();
    this.root.remove();
    URL.revokeObjectURL(this.photoUrl);
  }

  private clearBody(): void {
    this.pointCloud?.dispose();
    this.pointCloud = undefined;
    this.body.replaceChildren();
  }

  private fail(state: CardState, label: string, problem: Problem): void {
    this.set(state, label, problem);
    this.retryButton.hidden = !problem.retryable;
  }

  private set(state: CardState, text: string, problem?: Problem): void {
    this.root.dataset.state = state;
    this.statusText.textContent = text;
    this.message.textContent = problem ? problem.text : '';
    this.message.hidden = !problem;
    this.detail.textContent = problem?.detail ? `Server said: ${problem.detail}` : '';
    this.detail.hidden = !problem?.detail;
    if (!problem) this.retryButton.hidden = true;
  }
}
