import { ApiError, NetworkError, toApiError } from './api';
import { POINT_CLOUD_DEFAULTS } from './contract';
import { h, uid } from './dom';
import type { JobResult } from './job-updates';
import { describeError } from './messages';
import type { PointCloudViewer } from './point-cloud-viewer';

/** Enough points to read the scene's shape while staying a couple of MB and smooth to orbit. */
const TARGET_POINTS = 120_000;

/** Every step-th pixel, so that a photo of any size gives about TARGET_POINTS points. */
export function previewStep({ width, height }: Pick<JobResult, 'width' | 'height'>): number {
  const step = Math.ceil(Math.sqrt((width * height) / TARGET_POINTS));
  return Math.min(64, Math.max(POINT_CLOUD_DEFAULTS.step, step));
}

async function fetchPly(url: string): Promise<ArrayBuffer> {
  let res: Response;
  try {
    res = await fetch(url, { cache: 'no-store' });
  } catch (error) {
    throw new NetworkError(error);
  }
  if (!res.ok) throw await toApiError(res);
  // 202 means the job is not done: the card only offers 3D on a finished one, so say so plainly.
  if (res.status !== 200) throw new ApiError(res.status, undefined, 'The result is not ready.', 1);
  return res.arrayBuffer();
}

export interface PointCloudToggle {
  root: HTMLElement;
  /** Frees the WebGL context and geometry; the card calls it when it drops its result. */
  dispose(): void;
}

/**
 * A "3D" toggle for a finished job. three.js and the viewer are imported only
 * when it is first pressed, so the first page stays light; the PLY is fetched
 * once per card and kept while the card lives, so closing and reopening is instant.
 */
export function pointCloudToggle(options: {
  fileName: string;
  result: JobResult;
  lost: (error: ApiError) => void;
}): PointCloudToggle {
  const { fileName, result } = options;
  const panelId = uid('point-cloud');
  const button = h(
    'button',
    {
      type: 'button',
      class: 'button secondary',
      'aria-pressed': 'false',
      'aria-controls': panelId,
    },
    '3D view',
  );
  button.setAttribute('aria-label', `3D view of ${fileName}`);
  const panel = h('div', { id: panelId, class: 'point-cloud', hidden: true });
  const problem = h('p', { class: 'result-problem', role: 'alert', hidden: true });
  const url = `${result.resultUrl}?format=ply&step=${previewStep(result)}`;
  let ply: Promise<ArrayBuffer> | undefined;
  let viewer: PointCloudViewer | undefined;
  /** Bumped by every press, so a slow load cannot open a viewer the user already closed. */
  let generation = 0;

  const close = () => {
    generation++;
    viewer?.dispose();
    viewer = undefined;
    panel.replaceChildren();
    panel.hidden = true;
    panel.classList.remove('loading');
    button.setAttribute('aria-pressed', 'false');
  };

  const open = async () => {
    const current = ++generation;
    problem.hidden = true;
    button.setAttribute('aria-pressed', 'true');
    panel.hidden = false;
    panel.classList.add('loading');
    // Sized like the compare slider: as wide as the card allows, a tall photo kept shorter.
    const ratio = result.width / Math.max(1, result.height);
    panel.style.aspectRatio = `${result.width} / ${result.height}`;
    panel.style.width = `min(100%, calc(min(60vh, 28rem) * ${ratio.toFixed(4)}))`;
    try {
      ply ??= fetchPly(url);
      const [module, bytes] = await Promise.all([import('./point-cloud-viewer'), ply]);
      if (current !== generation) return;
      viewer = module.createPointCloudViewer(panel, bytes, {
        label: `3D point cloud of ${fileName}. Drag to orbit, scroll to zoom, arrow keys to pan, Shift and arrow keys to orbit.`,
        fov: POINT_CLOUD_DEFAULTS.fov,
        aspect: result.width / Math.max(1, result.height),
      });
      panel.classList.remove('loading');
    } catch (error) {
      ply = undefined;
      if (current !== generation) return;
      close();
      if (error instanceof ApiError && (error.status === 404 || error.status === 410)) {
        options.lost(error);
      }
      const { text, detail } = describe3dError(error, fileName);
      // Shown before the text changes, so screen readers announce the alert.
      problem.hidden = false;
      problem.textContent = detail ? `${text} (${detail})` : text;
    }
  };

  button.addEventListener('click', () => {
    if (button.getAttribute('aria-pressed') === 'true') close();
    else void open();
  });

  const root = h('section', { class: 'point-cloud-section' }, button, problem, panel);
  return { root, dispose: close };
}

/** WebGL being unavailable is not a server problem, so it gets its own words. */
function describe3dError(error: unknown, fileName: string): { text: string; detail?: string } {
  if (error instanceof Error && /WebGL/i.test(error.message)) {
    return { text: 'The 3D view needs WebGL, which this browser has turned off or lacks.' };
  }
  return describeError(error, fileName);
}
