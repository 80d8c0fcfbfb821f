import { spinPolicy } from './session-options';

describe('spinPolicy', () => {
  it.each([
    // The default on 2 cores: three 1-thread workers, and a 2-thread solo session.
    [{ workers: 3, intraOpThreads: 1, soloThreads: 2 }, 2, { shared: false, solo: true }],
    [{ workers: 2, intraOpThreads: 1, soloThreads: 2 }, 2, { shared: true, solo: true }],
    // Two 2-thread sessions on 2 cores: a spinning thread would burn its neighbour's core.
    [{ workers: 2, intraOpThreads: 2, soloThreads: 2 }, 2, { shared: false, solo: true }],
    // A solo session wider than the machine never has its cores to itself.
    [{ workers: 1, intraOpThreads: 1, soloThreads: 8 }, 4, { shared: true, solo: false }],
  ])('%j on %d cores -> %j', (split, cores, policy) => {
    expect(spinPolicy(split, cores)).toEqual(policy);
  });
});
