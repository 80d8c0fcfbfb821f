'use strict';

const POLL_MS = 1000;

// Plain words for the answers people most often hit; the server's text is more technical.
const LEADS = {
  413: 'The file is too large.',
  415: 'That file type is not supported.',
  429: 'Too many uploads from your address.',
  503: 'The service is busy right now.',
};

const byId = (id) => document.getElementById(id);
const form = byId('upload-form');
const input = byId('file');
const statusText = byId('status');
const retryButton = byId('retry');
const uploadButton = byId('upload');
const result = byId('result');
const original = byId('original');
const heatmap = byId('heatmap');

let file = null; // the last file sent, so Retry can send it again
let photoUrl = null;
let busy = false;

// Failures whose message is meant for the person using the page.
class ShownError extends Error {}

function setStatus(text, kind = 'info') {
  statusText.textContent = text;
  statusText.dataset.kind = kind;
}

async function errorMessage(res) {
  let body = {};
  try {
    body = await res.json();
  } catch {
    // A proxy in front of the service may answer with HTML; the status code still says enough.
  }
  const detail = typeof body.error === 'string' ? body.error : '';
  const lead = LEADS[res.status];
  if (!lead) return detail || `The server answered with an error (HTTP ${res.status}).`;
  const wait = Number.parseInt(res.headers.get('Retry-After') ?? '', 10);
  if (res.status === 429 || res.status === 503) {
    return Number.isFinite(wait) ? `${lead} Try again in ${wait} s.` : `${lead} Try again later.`;
  }
  return detail ? `${lead} ${detail}` : lead;
}

async function fetchJson(url, options) {
  let res;
  try {
    res = await fetch(url, options);
  } catch {
    throw new ShownError('Could not reach the server. Check your connection and try again.');
  }
  if (!res.ok) throw new ShownError(await errorMessage(res));
  try {
    return await res.json();
  } catch {
    throw new ShownError('The server sent an answer this page cannot read.');
  }
}

function loadImage(img, src) {
  return new Promise((resolve, reject) => {
    img.onload = resolve;
    img.onerror = () => reject(new ShownError('The heatmap was made but could not be loaded.'));
    img.src = src;
  });
}

async function runJob() {
  const body = new FormData();
  body.append('file', file);
  setStatus('Uploading…');
  const job = await fetchJson('/api/v1/depth', { method: 'POST', body });
  for (;;) {
    const state = await fetchJson(job.statusUrl, { cache: 'no-store' });
    if (state.status === 'done') return show(job, state);
    if (state.status === 'failed') {
      throw new ShownError(state.error?.message || 'The photo could not be processed.');
    }
    if (state.status === 'expired') throw new ShownError('The result expired before it was shown.');
    const position = state.queuePosition ? ` (position ${state.queuePosition})` : '';
    setStatus(state.status === 'queued' ? `Queued${position}…` : 'Processing…');
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function show(job, status) {
  await loadImage(heatmap, job.resultUrl);
  heatmap.alt = `Depth heatmap of ${file.name}: bright yellow areas are near, dark purple areas are far.`;
  original.src = photoUrl;
  original.alt = `Your photo, ${file.name}`;
  const t = status.timings;
  byId('timings').textContent = t
    ? `Took ${Math.round(t.totalMs)} ms in total, ${Math.round(t.inferenceMs)} ms of it in the model.`
    : '';
  Object.assign(byId('download-png'), { href: job.resultUrl, download: `depth-${job.id}.png` });
  const jpegUrl = `${job.resultUrl}?format=jpeg`;
  Object.assign(byId('download-jpeg'), { href: jpegUrl, download: `depth-${job.id}.jpg` });
  result.hidden = false;
  setStatus('Done.', 'done');
}

function start() {
  busy = true;
  uploadButton.setAttribute('aria-disabled', 'true');
  retryButton.hidden = true;
  result.hidden = true;
  runJob()
    .catch((err) => {
      // Anything unexpected is a bug here, not the user's doing; still say so rather than hang.
      if (!(err instanceof ShownError)) console.error(err);
      const text = err instanceof ShownError ? err.message : 'Something went wrong on this page.';
      setStatus(text, 'error');
      retryButton.hidden = false;
    })
    .finally(() => {
      busy = false;
      uploadButton.removeAttribute('aria-disabled');
    });
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  // aria-disabled rather than disabled, so keyboard focus stays on the button while it waits.
  if (busy) return;
  const chosen = input.files[0];
  if (!chosen) {
    setStatus('Choose a photo first.', 'error');
    return;
  }
  if (chosen !== file) {
    if (photoUrl) URL.revokeObjectURL(photoUrl);
    file = chosen;
    photoUrl = URL.createObjectURL(chosen);
  }
  start();
});

retryButton.addEventListener('click', () => {
  // The Retry button hides itself; give focus a sensible place to land.
  uploadButton.focus();
  start();
});
