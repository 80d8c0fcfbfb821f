import { h, uid } from './dom';

export interface CompareSlider {
  root: HTMLElement;
  /** The depth layer, so the result view can swap its colormap. */
  overlay: HTMLImageElement;
}

const clamp = (n: number) => Math.min(100, Math.max(0, n));

/**
 * The depth map laid over the photo and clipped at a divider. A native range
 * input carries the value, so keyboard, screen readers and touch get the
 * platform's own slider; dragging anywhere on the picture moves it too.
 */
export function compareSlider(
  base: HTMLImageElement,
  overlay: HTMLImageElement,
  size: { width: number; height: number },
): CompareSlider {
  const labelId = uid('compare-label');
  const range = h('input', {
    type: 'range',
    class: 'compare-range',
    min: 0,
    max: 100,
    step: 1,
    value: 50,
    'aria-labelledby': labelId,
  });
  const divider = h('div', { class: 'compare-divider', 'aria-hidden': 'true' });
  overlay.classList.add('compare-overlay');
  base.classList.add('compare-base');
  const stage = h('div', { class: 'compare-stage' }, base, overlay, divider);
  const box = h('div', { class: 'compare-box' }, stage, range);
  // The same on-screen size for every photo: as wide as the card allows, but a tall
  // photo is kept shorter than most of the screen, and a small one is scaled up.
  const ratio = size.width / Math.max(1, size.height);
  stage.style.aspectRatio = `${size.width} / ${size.height}`;
  box.style.width = `min(100%, calc(min(60vh, 28rem) * ${ratio.toFixed(4)}))`;

  const show = () => {
    const value = clamp(range.valueAsNumber);
    // The depth map covers the left `value` percent of the photo.
    overlay.style.clipPath = `inset(0 ${100 - value}% 0 0)`;
    divider.style.left = `${value}%`;
    range.setAttribute('aria-valuetext', `Depth map over ${value}% of the photo, from the left`);
  };
  range.addEventListener('input', show);

  const fromPointer = (event: PointerEvent) => {
    const box = stage.getBoundingClientRect();
    if (box.width === 0) return;
    range.value = String(Math.round(clamp(((event.clientX - box.left) / box.width) * 100)));
    range.dispatchEvent(new Event('input', { bubbles: true }));
  };
  stage.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    // Keeps the drag going when the pointer leaves the picture, and the page from selecting it.
    stage.setPointerCapture(event.pointerId);
    event.preventDefault();
    stage.classList.add('dragging');
    fromPointer(event);
    range.focus({ preventScroll: true });
  });
  stage.addEventListener('pointermove', (event) => {
    if (stage.hasPointerCapture(event.pointerId)) fromPointer(event);
  });
  const stop = (event: PointerEvent) => {
    if (stage.hasPointerCapture(event.pointerId)) stage.releasePointerCapture(event.pointerId);
    stage.classList.remove('dragging');
  };
  stage.addEventListener('pointerup', stop);
  stage.addEventListener('pointercancel', stop);
  show();

  const root = h(
    'figure',
    { class: 'compare' },
    box,
    h(
      'figcaption',
      { class: 'compare-caption' },
      h('span', { id: labelId }, 'Compare depth with photo'),
      ' — drag across the picture or use the arrow keys',
    ),
  );
  return { root, overlay };
}
