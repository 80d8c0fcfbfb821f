import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResultSegments, type SegmentLimits } from './result-segments';
import { SEGMENT_NAME } from './segment-file';

const TTL_MS = 10_000;

describe('ResultSegments', () => {
  let dir: string;
  let now: number;
  const made: ResultSegments[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'result-segments-spec-'));
    now = 1_000_000;
  });
  afterEach(async () => {
    await Promise.all(made.splice(0).map((store) => store.close()));
  });

  const segments = (limits: SegmentLimits = { bytes: 1024, ageMs: 1000 }) => {
    const store = new ResultSegments(dir, limits, () => now);
    made.push(store);
    return store;
  };
  const files = () => readdirSync(dir).sort();
  const text = async (store: ResultSegments, group: string, name: string) =>
    (await store.read(group, name))?.toString();
  const one = (name: string, bytes: string | Buffer): [string, Buffer][] => [
    [name, Buffer.from(bytes)],
  ];

  it('appends groups of blobs to one owner-only file and reads each blob back', async () => {
    const store = segments();
    await store.append('job1', [
      ['a', Buffer.from('alpha')],
      ['b', Buffer.from('beta')],
    ]);
    await store.append('job2', one('a', 'gamma'));
    expect(files()).toEqual([expect.stringMatching(SEGMENT_NAME)]);
    const path = join(dir, files()[0]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(path).size).toBe(14);
    const read = [text(store, 'job1', 'a'), text(store, 'job1', 'b'), text(store, 'job2', 'a')];
    expect(await Promise.all(read)).toEqual(['alpha', 'beta', 'gamma']);
    expect(await store.read('job2', 'b')).toBeUndefined();
    expect(await store.read('job3', 'a')).toBeUndefined();
  });

  it('deletes a segment once its last blob is dropped, the active one included', async () => {
    const store = segments();
    await store.append('job1', [
      ['a', Buffer.from('alpha')],
      ['b', Buffer.from('beta')],
    ]);
    await store.drop('job1', 'a');
    expect(files()).toHaveLength(1);
    expect(store.has('job1', 'a')).toBe(false);
    // A blob after a dropped one is still found at its offset.
    expect(await text(store, 'job1', 'b')).toBe('beta');
    await store.drop('job1', 'b');
    expect(files()).toEqual([]);
    // The next append opens a new segment.
    await store.append('job2', one('a', 'gamma'));
    expect(await text(store, 'job2', 'a')).toBe('gamma');
    expect(files()).toHaveLength(1);
  });

  it('opens a new segment after its age or size limit, and each goes with its own blobs', async () => {
    const store = segments({ bytes: 8, ageMs: 1000 });
    await store.append('a', one('x', '12345'));
    await store.append('b', one('x', '123')); // exactly full
    await store.append('c', one('x', '1')); // over the size: a second segment
    now += 1000;
    await store.append('d', one('x', '1')); // over the age: a third
    await store.append('e', one('x', Buffer.alloc(20))); // larger than a segment: a fourth, alone
    expect(files()).toHaveLength(4);
    await Promise.all(['a', 'c', 'd'].map((group) => store.drop(group, 'x')));
    expect(files()).toHaveLength(2); // b's, and e's
    await store.drop('b', 'x');
    expect(files()).toHaveLength(1);
    expect(await text(store, 'e', 'x')).toBe('\0'.repeat(20));
  });

  it('serves the newest of a group appended twice, and frees the first copy', async () => {
    const store = segments();
    await store.append('job', one('a', 'old'));
    now += 1000;
    await store.append('job', one('a', 'new'));
    expect(await text(store, 'job', 'a')).toBe('new');
    await store.settled();
    expect(files()).toHaveLength(1);
  });

  it('fails an append it cannot write, keeps nothing of it, and recovers in a new segment', async () => {
    const store = segments();
    rmSync(dir, { recursive: true });
    await expect(store.append('job1', one('a', 'alpha'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(store.has('job1', 'a')).toBe(false);
    mkdirSync(dir);
    await store.append('job2', one('a', 'beta'));
    expect(await text(store, 'job2', 'a')).toBe('beta');
  });

  it('moves a group that outlived its segment, so that the old file and its dropped bytes go', async () => {
    const store = segments();
    await store.append('kept', [
      ['a', Buffer.from('reused ')],
      ['b', Buffer.from('job')],
      ['c', Buffer.from('dropped')],
    ]);
    await store.append('gone', one('a', 'expired neighbour'));
    await store.drop('gone', 'a');
    await store.drop('kept', 'c');
    const [old] = files();
    now += TTL_MS + 1000; // within the allowance: nothing to do yet
    expect(await store.rehome(TTL_MS)).toBe(0);
    now += 1001;
    expect(await store.rehome(TTL_MS)).toBe(1);
    await store.settled();
    expect(files()).toEqual([expect.stringMatching(SEGMENT_NAME)]);
    expect(files()).not.toContain(old);
    expect(statSync(join(dir, files()[0])).size).toBe(10);
    expect([await text(store, 'kept', 'a'), await text(store, 'kept', 'b')]).toEqual([
      'reused ',
      'job',
    ]);
    expect(store.has('kept', 'c')).toBe(false);
  });

  it('does not bring back a blob dropped while its group was being moved', async () => {
    const store = segments();
    await store.append('job', [
      ['a', Buffer.from('alpha')],
      ['b', Buffer.from('beta')],
    ]);
    now += TTL_MS + 2001;
    const moving = store.rehome(TTL_MS);
    await store.drop('job', 'a');
    await moving;
    await store.settled();
    expect(store.has('job', 'a')).toBe(false);
    expect(await text(store, 'job', 'b')).toBe('beta');
    await store.drop('job', 'b');
    await store.settled();
    expect(files()).toEqual([]);
  });

  it('closes its files on shutdown and leaves them for the next start', async () => {
    const store = segments();
    await store.append('job', one('a', 'alpha'));
    await store.close();
    expect(files()).toHaveLength(1);
  });
});
