import { h } from './dom';
import { formatDepth, formatMs } from './format';
import type { JobResult } from './job-updates';

/** The numbers behind a result: image size, depth range and where the time went. */
export function jobStats(result: JobResult): HTMLElement {
  const t = result.timings;
  const rows: [string, string][] = [
    ['Size (px)', `${result.width} × ${result.height}`],
    ['Depth range', `${formatDepth(result.depthMin)} to ${formatDepth(result.depthMax)}`],
    ['Waiting in queue', formatMs(t.queueMs)],
    ['Decoding', formatMs(t.decodeMs)],
    ['Inference', formatMs(t.inferenceMs)],
    ['Post-processing', formatMs(t.postprocessMs)],
    ['Total', formatMs(t.totalMs)],
  ];
  return h(
    'details',
    { class: 'stats', open: true },
    h('summary', {}, 'Details'),
    h(
      'dl',
      {},
      ...rows.map(([term, value]) =>
        h('div', { class: 'stat' }, h('dt', {}, term), h('dd', {}, value)),
      ),
    ),
    h(
      'p',
      { class: 'hint' },
      'Depth is relative inverse depth from the model: larger is nearer, with no unit.',
    ),
  );
}
