import { MAX_IDS_PER_REQUEST, parseJobIds } from './job-ids.request';

describe('parseJobIds', () => {
  it('accepts { ids } and drops duplicates', () => {
    expect(parseJobIds({ ids: ['a', 'b', 'a'] })).toEqual({ ids: ['a', 'b'] });
  });

  it.each([
    ['a string', 'abc'],
    ['null', null],
    ['an array', ['a']],
    ['no ids', {}],
    ['empty ids', { ids: [] }],
    ['ids not an array', { ids: 'a' }],
    ['a non-string id', { ids: ['a', 1] }],
    ['an empty id', { ids: [''] }],
    ['an overlong id', { ids: ['x'.repeat(65)] }],
    ['too many ids', { ids: Array.from({ length: MAX_IDS_PER_REQUEST + 1 }, (_, i) => `${i}`) }],
  ])('refuses %s with a reason', (_, payload) => {
    expect(parseJobIds(payload)).toEqual({ problem: expect.any(String) });
  });
});
