import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResultFiles } from './result-files';
import { SEGMENT_NAME } from './segment-file';

const ID = '0b6f6d3a-6a3e-4d7c-9b1e-2f4f5a6b7c8d';
const HEATMAP = { format: 'png', colormap: 'inferno' } as const;

describe('ResultFiles', () => {
  let dir: string;
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'result-files-spec-')), 'results');
  });

  const made: ResultFiles[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((files) => files.close()));
  });

  async function prepared(limits = { cacheBytes: 1024, backlogBytes: 1024 }) {
    const files = new ResultFiles(dir, limits);
    made.push(files);
    await files.prepare();
    return files;
  }

  it('serves a saved job from memory at once, and has it in one owner-only segment once written', async () => {
    const files = await prepared();
    const { written } = await files.save(ID, [
      [HEATMAP, Buffer.from('png')],
      ['original', Buffer.from('jpg')],
    ]);
    expect((await files.read(ID, HEATMAP))?.toString()).toBe('png');
    await written;
    const [segment, ...others] = readdirSync(dir);
    expect(others).toEqual([]);
    expect(segment).toMatch(SEGMENT_NAME);
    expect(statSync(join(dir, segment)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, segment)).size).toBe(6);
    expect(existsSync(files.path(ID, 'original'))).toBe(false);
    expect((await files.read(ID, 'original'))?.toString()).toBe('jpg');
  });

  it('reads a job evicted from memory back from disk, and answers undefined for none', async () => {
    const files = await prepared({ cacheBytes: 0, backlogBytes: 1024 });
    await (
      await files.save(ID, [
        ['depth.f32', Buffer.from('depth')],
        [HEATMAP, Buffer.from('png')],
      ])
    ).written;
    expect((await files.read(ID, 'depth.f32'))?.toString()).toBe('depth');
    expect((await files.read(ID, HEATMAP))?.toString()).toBe('png');
    expect(await files.read(ID, 'original')).toBeUndefined();
  });

  it('keeps serving a file whose write failed, from memory, and reports the failure', async () => {
    const files = await prepared();
    rmSync(dir, { recursive: true });
    const { written } = await files.save(ID, [[HEATMAP, Buffer.from('png')]]);
    await expect(written).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await files.read(ID, HEATMAP))?.toString()).toBe('png');
  });

  it('waits for its writes, and fails with them, once the unwritten bytes pass the backlog limit', async () => {
    const files = await prepared({ cacheBytes: 1024, backlogBytes: 8 });
    rmSync(dir, { recursive: true });
    // Under the limit: returns before the disk answers, although the write will fail.
    await expect(files.save(ID, [['original', Buffer.alloc(8)]])).resolves.toBeDefined();
    // Over it (the failed 8 bytes are still held): the save itself fails.
    const other = '1b6f6d3a-6a3e-4d7c-9b1e-2f4f5a6b7c8d';
    await expect(files.save(other, [['original', Buffer.alloc(1)]])).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('removes a job whose writes are still going without leaving a file behind', async () => {
    const files = await prepared();
    await files.save(ID, [
      [HEATMAP, Buffer.alloc(512)],
      ['depth.f32', Buffer.alloc(256)],
      ['original', Buffer.alloc(128)],
    ]);
    await files.removeAll(ID);
    await files.flushed();
    expect(readdirSync(dir)).toEqual([]);
    expect(await files.read(ID, HEATMAP)).toBeUndefined();
    expect(existsSync(files.path(ID, 'original'))).toBe(false);
  });
});
