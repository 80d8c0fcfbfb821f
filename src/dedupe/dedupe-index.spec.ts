import { Job } from '../results/job.entity';
import { DedupeIndex } from './dedupe-index';

describe('DedupeIndex', () => {
  const stale = new Set<Job>();
  let index: DedupeIndex;

  beforeEach(() => {
    stale.clear();
    index = new DedupeIndex((job) => !stale.has(job));
  });

  it('finds the job remembered under a key while it is reusable', () => {
    const job = new Job('png');
    index.remember('k', job);
    expect(index.find('k')).toBe(job);
    expect(index.find('other')).toBeUndefined();
    expect(index.size).toBe(1);
  });

  it('drops an entry whose job is no longer reusable when it is looked up', () => {
    const job = new Job('png');
    index.remember('k', job);
    stale.add(job);
    expect(index.find('k')).toBeUndefined();
    expect(index.size).toBe(0);
    stale.delete(job);
    expect(index.find('k')).toBeUndefined();
  });

  it('forgets by job id, and only the key that job still holds', () => {
    const old = new Job('png');
    const next = new Job('png');
    index.remember('k', old);
    index.remember('k', next);
    index.forget(old.id);
    expect(index.find('k')).toBe(next);
    index.forget(next.id);
    expect(index.find('k')).toBeUndefined();
    index.forget(next.id);
    expect(index.size).toBe(0);
  });

  it('holds one entry per live key however many jobs passed through it', () => {
    for (let i = 0; i < 50; i++) index.remember(`k${i % 5}`, new Job('png'));
    expect(index.size).toBe(5);
  });
});
