import { higherMedian, median, percentile } from './stats';

describe('bench statistics', () => {
  it('takes nearest-rank percentiles of an unsorted sample', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 99)).toBe(5);
    expect(median([])).toBeNaN();
  });

  it('picks the split that is better over the run, not the one with the best round', () => {
    const steady = { workers: 2, imagesPerSecond: [30, 31, 29, 30, 31] };
    const lucky = { workers: 3, imagesPerSecond: [26, 38, 27, 28, 29] };
    expect(higherMedian([steady, lucky])).toBe(steady);
    expect(higherMedian([lucky, steady])).toBe(steady);
  });

  it('keeps the first candidate on a tie', () => {
    const first = { imagesPerSecond: [30, 30, 30] };
    const second = { imagesPerSecond: [29, 30, 31] };
    expect(higherMedian([first, second])).toBe(first);
  });
});
