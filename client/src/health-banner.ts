import { h } from './dom';

/** The parts of the Terminus report for /healthz that the banner reads. */
interface HealthReport {
  status?: string;
  details?: {
    model?: { loaded: boolean; phase: string; message?: string; name?: string | null };
    workers?: { status: string; count: number; alive: number };
    queue?: { status: string; depth: number; capacity: number };
  };
}

interface Notice {
  kind: 'error' | 'info';
  title: string;
  message?: string;
  fix?: 'open' | 'collapsed';
}

const POLL_MS = 5000;

const MODEL_TITLES: Record<string, string> = {
  resolving: 'Looking for the depth model…',
  downloading: 'Downloading the depth model…',
  loading: 'Loading the depth model…',
  failed: 'The depth model could not be loaded',
};

function notice(httpStatus: number, report: HealthReport | undefined): Notice | undefined {
  const d = report?.details;
  if (d?.model && !d.model.loaded) {
    const { phase, message } = d.model;
    return {
      kind: phase === 'failed' ? 'error' : 'info',
      title: MODEL_TITLES[phase] ?? 'The depth model is not ready',
      message: `${message ?? ''} Photos can be uploaded once it is loaded.`.trim(),
      fix: phase === 'loading' ? undefined : phase === 'downloading' ? 'collapsed' : 'open',
    };
  }
  if (httpStatus === 200) return undefined;
  if (d?.workers && d.workers.status !== 'up') {
    const { alive, count } = d.workers;
    return {
      kind: 'info',
      title: `Inference workers are restarting (${alive} of ${count} running)`,
    };
  }
  if (d?.queue && d.queue.status !== 'up') {
    return {
      kind: 'info',
      title: 'The service is busy',
      message: `All ${d.queue.capacity} job slots are taken; new uploads are refused until one finishes.`,
    };
  }
  return { kind: 'error', title: `The service is not ready (HTTP ${httpStatus})` };
}

const code = (text: string) => h('code', {}, text);

function fixSteps(): HTMLElement {
  return h(
    'ul',
    { class: 'fix' },
    h(
      'li',
      {},
      'Run ',
      code('npm run model:fetch'),
      ' to download the model into ',
      code('models/'),
      ', or copy the file there yourself;',
    ),
    h('li', {}, 'or set ', code('MODEL_PATH'), ' to an ONNX model file you already have;'),
    h(
      'li',
      {},
      'or, for a demo without the real model: ',
      code('npm run model:synthetic'),
      ', then ',
      code('MODEL_PATH=models/synthetic-tiny.onnx npm start'),
      '.',
    ),
  );
}

function render(banner: HTMLElement, n: Notice): void {
  const parts: Node[] = [h('h2', { class: 'banner-title' }, n.title)];
  if (n.message) parts.push(h('p', {}, n.message));
  if (n.fix === 'open') parts.push(h('p', {}, 'To fix it:'), fixSteps());
  if (n.fix === 'collapsed')
    parts.push(h('details', {}, h('summary', {}, 'No internet access?'), fixSteps()));
  if (n.fix)
    parts.push(
      h(
        'p',
        { class: 'hint' },
        'The service picks the model up by itself; this notice goes away once it is ready.',
      ),
    );
  banner.replaceChildren(...parts);
  banner.dataset.kind = n.kind;
}

/** Polls /healthz and explains, in the banner, anything that would stop an upload from working. */
export function startHealthBanner(banner: HTMLElement): void {
  let shown = '';
  const show = (n: Notice | undefined) => {
    // Re-rendering the same words would make screen readers announce them every poll.
    const key = JSON.stringify(n ?? null);
    if (key === shown) return;
    shown = key;
    banner.hidden = !n;
    if (n) render(banner, n);
    else banner.replaceChildren();
  };
  const check = async () => {
    try {
      const res = await fetch('/healthz', { cache: 'no-store' });
      const report = (await res.json().catch(() => undefined)) as HealthReport | undefined;
      show(notice(res.status, report));
    } catch {
      show({
        kind: 'error',
        title: 'Cannot reach the server',
        message: 'Checking again every 5 seconds.',
      });
    }
  };
  const loop = () => void check().finally(() => window.setTimeout(loop, POLL_MS));
  loop();
}
