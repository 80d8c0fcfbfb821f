import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResultSegments, SEGMENT_NAME, type SegmentLimits } from './result-segments';

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
  const text = async (store: ResultSegments, key: string) => (await store.read(key))?.toString();

  it('appends blobs to one owner-only file and reads each back', async () => {
    const store = segments();
    await store.append([
      ['a', Buffer.from('alpha')],
      ['b', Buffer.from('beta')],
    ]);
    await store.append([['c', Buffer.from('gamma')]]);
    expect(files()).toEqual([expect.stringMatching(SEGMENT_NAME)]);
    const path = join(dir, files()[0]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(path).size).toBe(14);
    expect([await text(store, 'a'), await text(store, 'b'), await text(store, 'c')]).toEqual([
      'alpha',
      'beta',
      'gamma',
    ]);
    expect(await store.read('d')).toBeUndefined();
  });

  it('deletes a segment once its last blob is dropped, the active one included', async () => {
    const store = segments();
    await store.append([
      ['a', Buffer.from('alpha')],
      ['b', Buffer.from('beta')],
    ]);
    await store.drop('a');
    expect(files()).toHaveLength(1);
    expect(await store.read('a')).toBeUndefined();
    await store.drop('b');
    expect(files()).toEqual([]);
    // The next append opens a new segment.
    await store.append([['c', Buffer.from('gamma')]]);
    expect(await text(store, 'c')).toBe('gamma');
    expect(files()).toHaveLength(1);
  });

  it('opens a new segment after its age or size limit, and each goes with its own blobs', async () => {
    const store = segments({ bytes: 8, ageMs: 1000 });
    await store.append([['a', Buffer.from('12345')]]);
    await store.append([['b', Buffer.from('123')]]); // exactly full
    await store.append([['c', Buffer.from('1')]]); // over the size: a second segment
    now += 1000;
    await store.append([['d', Buffer.from('1')]]); // over the age: a third
    await store.append([['e', Buffer.alloc(20)]]); // larger than a segment: a fourth, alone
    expect(files()).toHaveLength(4);
    await Promise.all(['a', 'c', 'd'].map((key) => store.drop(key)));
    expect(files()).toHaveLength(2); // b's, and e's
    await store.drop('b');
    expect(files()).toHaveLength(1);
    expect(await text(store, 'e')).toBe('\0'.repeat(20));
  });

  it('serves the newest of a key appended twice, and frees the first copy', async () => {
    const store = segments({ bytes: 1024, ageMs: 1000 });
    await store.append([['a', Buffer.from('old')]]);
    now += 1000;
    await store.append([['a', Buffer.from('new')]]);
    expect(await text(store, 'a')).toBe('new');
    await new Promise((wake) => setTimeout(wake, 50));
    expect(files()).toHaveLength(1);
  });

  it('fails an append it cannot write, keeps nothing of it, and recovers in a new segment', async () => {
    const store = segments();
    rmSync(dir, { recursive: true });
    await expect(store.append([['a', Buffer.from('alpha')]])).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(store.has('a')).toBe(false);
    mkdirSync(dir);
    await store.append([['b', Buffer.from('beta')]]);
    expect(await text(store, 'b')).toBe('beta');
  });

  it('moves a blob that outlived its segment, so that the old file and its dropped bytes go', async () => {
    const store = segments();
    await store.append([
      ['kept', Buffer.from('reused job')],
      ['gone', Buffer.from('expired neighbour')],
    ]);
    await store.drop('gone');
    const [old] = files();
    now += TTL_MS + 1000; // within the allowance: nothing to do yet
    expect(await store.rehome(TTL_MS)).toBe(0);
    now += 1001;
    expect(await store.rehome(TTL_MS)).toBe(1);
    await store.settled();
    expect(files()).toEqual([expect.stringMatching(SEGMENT_NAME)]);
    expect(files()).not.toContain(old);
    expect(statSync(join(dir, files()[0])).size).toBe(10);
    expect(await text(store, 'kept')).toBe('reused job');
  });

  it('does not bring back a blob dropped while it was being moved', async () => {
    const store = segments();
    await store.append([['a', Buffer.from('alpha')]]);
    now += TTL_MS + 2001;
    const moving = store.rehome(TTL_MS);
    await store.drop('a');
    expect(await moving).toBe(0);
    await store.settled();
    expect(store.has('a')).toBe(false);
    expect(files()).toEqual([]);
  });

  it('closes its files on shutdown and leaves them for the next start', async () => {
    const store = segments();
    await store.append([['a', Buffer.from('alpha')]]);
    await store.close();
    expect(files()).toHaveLength(1);
  });
});
