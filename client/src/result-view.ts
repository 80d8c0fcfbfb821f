import { ApiError, probe, resultUrl } from './api';
import { compareSlider } from './compare-slider';
import type { OutputFormatDto } from './contract';
import { h, uid } from './dom';
import { stem } from './format';
import { jobStats } from './job-stats';
import type { JobResult } from './job-updates';
import { describeError } from './messages';
import { preferredColormap, rememberColormap, type Outputs } from './outputs';

export interface ResultViewOptions {
  fileName: string;
  /** An object URL of the uploaded file, so the photo never travels twice. */
  photoUrl: string;
  result: JobResult;
  outputs: Outputs;
  /** The server no longer has the result (expired or restarted), so the card should say so. */
  lost: (error: ApiError) => void;
}

/** A finished job: photo and depth side by side, the compare slider, colormaps and downloads. */
export function resultView({
  fileName,
  photoUrl,
  result,
  outputs,
  lost,
}: ResultViewOptions): HTMLElement {
  const { dto } = outputs;
  const displayFormat = dto.formats.find((f) => f.id === dto.defaultFormat) ?? dto.formats[0];
  const withColormap = (format: OutputFormatDto | undefined, colormap: string) =>
    resultUrl(result.resultUrl, {
      format: format && format.id !== dto.defaultFormat ? format.id : undefined,
      colormap: format?.colormap ? colormap : undefined,
    });

  const depth = h('img', { class: 'depth-image', width: result.width, height: result.height });
  const overlay = h('img', { alt: '', width: result.width, height: result.height });
  const photo = (alt: string) =>
    h('img', { src: photoUrl, alt, width: result.width, height: result.height });
  const legend = h('div', { class: 'legend', 'aria-hidden': 'true' });
  const problem = h('p', { class: 'result-problem', role: 'alert', hidden: true });
  const downloads = h('ul', { class: 'downloads', 'aria-label': 'Downloads' });
  const pair = h(
    'div',
    { class: 'pair' },
    h('figure', {}, photo(`Original photo: ${fileName}`), h('figcaption', {}, 'Photo')),
    h(
      'figure',
      {},
      depth,
      h(
        'figcaption',
        {},
        h('span', {}, 'Depth map'),
        h('span', { class: 'legend-row' }, 'far', legend, 'near'),
      ),
    ),
  );
  const slider = compareSlider(photo(''), overlay, result);

  const show = (colormap: string) => {
    const src = withColormap(displayFormat, colormap);
    const label = displayFormat?.colormap ? ` (${colormap})` : '';
    problem.hidden = true;
    pair.classList.add('loading');
    depth.alt = `Depth map of ${fileName}${label}`;
    depth.src = src;
    overlay.src = src;
    legend.dataset.colormap = displayFormat?.colormap ? colormap : dto.defaultColormap;
    downloads.replaceChildren(
      ...dto.formats.map((format) => {
        const suffix = format.colormap ? `-${colormap}` : '';
        return h(
          'li',
          {},
          h(
            'a',
            {
              class: 'button secondary',
              href: withColormap(format, colormap),
              download: `${stem(fileName)}-depth${suffix}.${format.extension}`,
            },
            `Download ${format.label}`,
          ),
        );
      }),
    );
  };
  depth.addEventListener('load', () => pair.classList.remove('loading'));
  depth.addEventListener('error', () => {
    pair.classList.remove('loading');
    const failed = depth.src;
    // An <img> does not say why it failed; ask the server again to find out.
    probe(failed)
      .then(() => ({ text: 'The depth map could not be displayed.', detail: undefined }))
      .catch((error: unknown) => {
        if (error instanceof ApiError && (error.status === 404 || error.status === 410)) {
          lost(error);
        }
        return describeError(error, fileName);
      })
      .then(({ text, detail }) => {
        if (depth.src !== failed) return;
        // Shown before the text changes, so screen readers announce the alert.
        problem.hidden = false;
        problem.textContent = detail ? `${text} (${detail})` : text;
      })
      .catch((error: unknown) => console.error(error));
  });

  const controls = h('div', { class: 'result-controls' });
  if (dto.colormaps.length > 1 && displayFormat?.colormap) {
    const id = uid('colormap');
    const select = h(
      'select',
      { id, class: 'colormap-select' },
      ...dto.colormaps.map((name) => h('option', { value: name }, name)),
    );
    select.value = preferredColormap(dto);
    select.addEventListener('change', () => {
      rememberColormap(select.value);
      show(select.value);
    });
    controls.append(h('div', { class: 'field' }, h('label', { for: id }, 'Colormap'), select));
    show(select.value);
  } else {
    show(dto.defaultColormap);
  }
  controls.append(downloads);
  if (outputs.problem) controls.append(h('p', { class: 'hint' }, outputs.problem));

  return h('div', { class: 'result' }, pair, slider.root, problem, controls, jobStats(result));
}
