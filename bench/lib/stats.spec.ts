import { bootstrapInterval, higherMedian, median, percentile } from './stats';

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

  it('bounds a statistic by resampling blocks: narrow for steady blocks, wide for scattered ones', () => {
    expect(bootstrapInterval([0.9, 0.9, 0.9, 0.9], median)).toEqual([0.9, 0.9]);
    const steady = [0.91, 0.92, 0.93, 0.92, 0.91, 0.93, 0.92, 0.92];
    const scattered = [0.83, 0.98, 0.86, 0.97, 0.85, 0.99, 0.88, 0.95];
    const [low, high] = bootstrapInterval(steady, median);
    expect(low).toBeGreaterThanOrEqual(0.91);
    expect(high).toBeLessThanOrEqual(0.93);
    const [wideLow, wideHigh] = bootstrapInterval(scattered, median);
    expect(wideLow).toBeLessThan(0.9);
    expect(wideHigh).toBeGreaterThan(0.9);
    expect(wideHigh - wideLow).toBeGreaterThan(high - low);
  });

  it('gives the same interval for the same seed, so a run can be recomputed from its JSON', () => {
    const blocks = [0.87, 0.92, 0.83, 0.97, 0.86, 0.88, 0.9, 0.98];
    expect(bootstrapInterval(blocks, median, { seed: 7 })).toEqual(
      bootstrapInterval(blocks, median, { seed: 7 }),
    );
    expect(bootstrapInterval([], median)).toEqual([NaN, NaN]);
  });
});
