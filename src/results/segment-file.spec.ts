import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEGMENT_NAME, SegmentFile } from './segment-file';

describe('SegmentFile', () => {
  let dir: string;
  let idle: SegmentFile[];
  const opened: SegmentFile[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'segment-file-spec-'));
    idle = [];
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((segment) => segment.close()));
  });

  const segment = (at = 1_700_000_000_000, serial = 1) => {
    const file = new SegmentFile(dir, at, serial, (s) => idle.push(s));
    opened.push(file);
    return file;
  };

  it('creates an owner-only file under a name a restart recognises', async () => {
    const file = segment(1_700_000_000_000, 7);
    await file.write([Buffer.from('x')], 0);
    expect(file.path).toBe(join(dir, 'segment-1700000000000-7.bin'));
    expect('segment-1700000000000-7.bin').toMatch(SEGMENT_NAME);
    expect(statSync(file.path).mode & 0o777).toBe(0o600);
  });

  it('writes blobs at the offsets given and reads each back, reporting every finished I/O', async () => {
    const file = segment();
    await file.write([Buffer.from('alpha'), Buffer.from('beta')], 0);
    await file.write([Buffer.from('gamma')], 9);
    expect((await file.read(4, 5)).toString()).toBe('beta');
    expect((await file.read(5, 9)).toString()).toBe('gamma');
    expect(idle).toEqual([file, file, file, file]);
    expect(file.unused).toBe(true);
  });

  it('counts itself in use while a read runs or a blob is live', async () => {
    const file = segment();
    await file.write([Buffer.from('alpha')], 0);
    const reading = file.read(5, 0);
    expect(file.unused).toBe(false);
    await reading;
    expect(file.unused).toBe(true);
    file.live = 1;
    expect(file.unused).toBe(false);
  });

  it('fails a read past its end rather than returning short bytes', async () => {
    const file = segment();
    await file.write([Buffer.from('abc')], 0);
    await expect(file.read(10, 0)).rejects.toThrow('Read 3 of 10 bytes');
    expect(file.unused).toBe(true);
  });

  it('deletes its file once, however often asked', async () => {
    const file = segment();
    await file.write([Buffer.from('abc')], 0);
    expect(file.removal).toBeUndefined();
    const first = file.remove();
    expect(file.remove()).toBe(first);
    expect(file.removal).toBe(first);
    await first;
    expect(existsSync(file.path)).toBe(false);
  });

  it('refuses to open over an existing file, and the failure surfaces in its I/O', async () => {
    const first = segment(1, 1);
    await first.write([Buffer.from('keep')], 0);
    const clash = segment(1, 1);
    await expect(clash.write([Buffer.from('lost')], 0)).rejects.toThrow(/EEXIST/);
    expect((await first.read(4, 0)).toString()).toBe('keep');
  });
});
