import { HeldFiles } from './held-files';

const bytes = (n: number) => Buffer.alloc(n, n);

describe('HeldFiles', () => {
  it('keeps pinned bytes whatever the cache size, and counts them as the backlog', () => {
    const held = new HeldFiles(10);
    held.pin('a', bytes(40));
    held.pin('b', bytes(30));
    expect(held.pinnedBytes).toBe(70);
    expect(held.get('a')).toEqual(bytes(40));
    expect(held.get('b')).toEqual(bytes(30));
  });

  it('evicts written files least recently used first, beyond the cache size', () => {
    const held = new HeldFiles(25);
    for (const [path, size] of [
      ['a', 10],
      ['b', 10],
      ['c', 10],
    ] as const)
      held.pin(path, bytes(size));
    held.unpin('a');
    held.unpin('b');
    expect(held.get('a')).toBeDefined(); // now more recent than b
    held.unpin('c'); // 30 cached > 25: b goes, as the least recently used
    expect(held.get('b')).toBeUndefined();
    expect(held.get('a')).toBeDefined();
    expect(held.get('c')).toBeDefined();
    expect(held.pinnedBytes).toBe(0);
  });

  it('never evicts a pinned file to make room', () => {
    const held = new HeldFiles(5);
    held.pin('old', bytes(10));
    held.pin('new', bytes(10));
    held.unpin('new'); // over the cache size on its own: evicted, the pinned one stays
    expect(held.get('new')).toBeUndefined();
    expect(held.get('old')).toBeDefined();
    expect(held.pinnedBytes).toBe(10);
  });

  it('forgets a dropped file, pinned or not, and its bytes with it', () => {
    const held = new HeldFiles(100);
    held.pin('a', bytes(10));
    held.pin('b', bytes(20));
    held.unpin('b');
    held.drop('a');
    held.drop('b');
    expect([held.get('a'), held.get('b'), held.pinnedBytes]).toEqual([undefined, undefined, 0]);
    // A late unpin (the write finished after the drop) must not bring it back.
    held.unpin('a');
    expect(held.get('a')).toBeUndefined();
  });

  it('replaces a file pinned twice without counting it twice', () => {
    const held = new HeldFiles(100);
    held.pin('a', bytes(10));
    held.pin('a', bytes(20));
    expect(held.pinnedBytes).toBe(20);
    expect(held.get('a')).toEqual(bytes(20));
  });
});
