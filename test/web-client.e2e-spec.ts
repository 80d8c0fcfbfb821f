import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { browserSuite, cardOf, OpenPage, screenshot } from './helpers/browser';
import { RESULT_FORMATS } from '../src/inference/pipeline/render-options';
import { ResultsStore } from '../src/results/results.store';
import { model, photo } from './helpers/paths';
import { listen, startApp, TestApp, waitReady } from './helpers/test-app';

/*
 * The web client in real headless Chromium against the real app: Vite's build
 * from dist/client, Socket.IO, the worker pool and a synthetic model. Nothing
 * is mocked; screenshots of each state land in test/artifacts/web-client/.
 */

const CAT = 'chelsea_cat_small.jpg';
const ROOM = 'indoor_room_windows.jpg';

const openApp = browserSuite();

function open(t: TestApp, setup?: (page: Page) => Promise<unknown>): Promise<OpenPage> {
  return listen(t).then((port) => openApp(port, setup));
}

/** hasText with a string is a case-insensitive substring: "live updates unavailable" would match. */
const connection = (page: Page, text: RegExp, timeout?: number) =>
  page.locator('#connection').filter({ hasText: text }).waitFor({ timeout });

const inState = (page: Page, fileName: string, state: string) =>
  cardOf(page, fileName).and(page.locator(`[data-state="${state}"]`));

/** The DOM members read inside the page; the test program is compiled without the DOM lib. */
interface PageImage {
  complete: boolean;
  naturalWidth: number;
  naturalHeight: number;
  src: string;
  style: { clipPath: string };
  ownerDocument: { createElement(tag: 'canvas'): PageCanvas };
}
interface PageCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    drawImage(image: PageImage, x: number, y: number, w: number, h: number): void;
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
  };
}

/** Waits for an <img> to have loaded a src containing srcPart; returns its natural size. */
async function loaded(img: Locator, srcPart = ''): Promise<{ width: number; height: number }> {
  await img.evaluate(async (el, part) => {
    const image = el as unknown as PageImage;
    for (;;) {
      const current = image.src.includes(part) && image.complete;
      if (current && image.naturalWidth > 0) return;
      if (current) throw new Error(`${image.src} did not load.`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }, srcPart);
  return img.evaluate((el) => {
    // Runs in the page: nothing from this module is in scope there.
    const image = el as unknown as PageImage;
    return { width: image.naturalWidth, height: image.naturalHeight };
  });
}

/** A coarse fingerprint of an image's pixels, read back through a canvas. */
const pixels = (img: Locator): Promise<number[]> =>
  img.evaluate((el) => {
    const image = el as unknown as PageImage;
    const canvas = image.ownerDocument.createElement('canvas');
    canvas.width = 16;
    canvas.height = 16;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(image, 0, 0, 16, 16);
    return Array.from(ctx.getImageData(0, 0, 16, 16).data);
  });

async function uploadDone(page: Page, ...names: string[]): Promise<void> {
  await page.setInputFiles(
    '#file-input',
    names.map((name) => photo(name)),
  );
  for (const name of names) await inState(page, name, 'done').waitFor();
}

describe('web client against a ready app', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
    await waitReady(t);
  });
  afterAll(() => t.close());

  it('uploads two photos through the picker and shows both depth maps, live over Socket.IO', async () => {
    const { page, statusPolls } = await open(t);
    await connection(page, /^Live updates$/);
    expect(await page.locator('#health-banner').isHidden()).toBe(true);

    await uploadDone(page, CAT, ROOM);

    for (const name of [CAT, ROOM]) {
      const card = cardOf(page, name);
      const depth = card.locator('img.depth-image');
      const size = await loaded(depth);
      expect(size.width).toBeGreaterThan(0);
      expect(await depth.getAttribute('alt')).toBe(`Depth map of ${name} (inferno)`);
      // The heatmap has the photo's own size.
      expect(await loaded(card.locator('.pair img').first())).toEqual(size);
      expect(await card.locator('.status').innerText()).toMatch(/^Done in \d+/);
      const stats = await card.locator('.stats').innerText();
      for (const label of [
        'Waiting in queue',
        'Decoding',
        'Inference',
        'Post-processing',
        'Total',
      ]) {
        expect(stats).toContain(label);
      }
      expect(stats).toMatch(/Depth range\s+-?[\d.e+-]+ to -?[\d.e+-]+/);
      const links = card.locator('a[download]');
      // One download per format /api/v1/outputs lists.
      expect(await links.count()).toBe(RESULT_FORMATS.length);
      const stem = name.replace(/\.jpg$/, '');
      expect(await links.nth(0).getAttribute('download')).toBe(`${stem}-depth-inferno.png`);
      expect(await links.nth(1).getAttribute('href')).toMatch(/format=jpeg&colormap=inferno$/);
      expect(await links.nth(4).getAttribute('download')).toBe(`${stem}-depth.npy`);
    }
    // Every update came over the socket: the page never had to poll.
    expect(statusPolls).toEqual([]);
    expect(await page.locator('#connection').innerText()).toBe('Live updates');
    await screenshot(page, '01-two-photos-done');

    // Narrow phones: nothing may stick out sideways.
    await page.setViewportSize({ width: 360, height: 800 });
    expect(
      await page
        .locator('html')
        .evaluate((el) => (el as unknown as { scrollWidth: number }).scrollWidth),
    ).toBeLessThanOrEqual(360);
    await screenshot(page, '01-two-photos-done-360px');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, '01-two-photos-done-360px-dark');
  });

  it('moves the compare slider by mouse drag and by arrow keys', async () => {
    const { page } = await open(t);
    await uploadDone(page, CAT);
    const card = cardOf(page, CAT);
    const stage = card.locator('.compare-stage');
    const range = card.getByRole('slider', { name: 'Compare depth with photo' });
    const overlay = card.locator('img.compare-overlay');
    await loaded(overlay);
    const clipRight = async () =>
      Number(
        /inset\(0(?:px)? ([\d.]+)%/.exec(
          await overlay.evaluate((el) => (el as unknown as PageImage).style.clipPath),
        )?.[1],
      );
    expect(await range.inputValue()).toBe('50');
    expect(await clipRight()).toBe(50);

    await stage.scrollIntoViewIfNeeded();
    const box = (await stage.boundingBox())!;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.5, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.2, y, { steps: 5 });
    await page.mouse.up();
    const dragged = Number(await range.inputValue());
    expect(Math.abs(dragged - 20)).toBeLessThanOrEqual(2);
    expect(await clipRight()).toBe(100 - dragged);

    await range.focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    expect(Number(await range.inputValue())).toBe(dragged + 5);
    expect(await clipRight()).toBe(100 - dragged - 5);
    expect(await range.getAttribute('aria-valuetext')).toContain(`${dragged + 5}%`);
    await page.keyboard.press('ArrowLeft');
    expect(Number(await range.inputValue())).toBe(dragged + 4);
    await screenshot(page, '02-compare-slider');
    await page.keyboard.press('End');
    expect(await clipRight()).toBe(0);
  });

  it('switches the colormap and reloads the depth map in it', async () => {
    const { page } = await open(t);
    await uploadDone(page, CAT);
    const card = cardOf(page, CAT);
    const depth = card.locator('img.depth-image');
    await loaded(depth, 'colormap=inferno');
    const before = await pixels(depth);

    const select = card.getByLabel('Colormap');
    expect(await select.locator('option').allTextContents()).toEqual(
      expect.arrayContaining(['inferno', 'viridis', 'gray']),
    );
    await select.selectOption('viridis');
    expect((await loaded(depth, 'colormap=viridis')).width).toBeGreaterThan(0);
    expect(await depth.getAttribute('src')).toContain('colormap=viridis');
    expect(await depth.getAttribute('alt')).toBe(`Depth map of ${CAT} (viridis)`);
    expect(await pixels(depth)).not.toEqual(before);
    await loaded(card.locator('img.compare-overlay'), 'colormap=viridis');
    const png = card.locator('a[download]').first();
    expect(await png.getAttribute('href')).toContain('colormap=viridis');
    expect(await png.getAttribute('download')).toBe('chelsea_cat_small-depth-viridis.png');
    await screenshot(page, '03-colormap-viridis');
  });

  it('says in plain words that a text file is not a supported image (415)', async () => {
    const { page } = await open(t);
    await page.setInputFiles('#file-input', {
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Shopping list: milk, eggs, a depth camera.\n'),
    });
    const card = inState(page, 'notes.txt', 'rejected');
    await card.waitFor();
    const status = await card.locator('.status').innerText();
    expect(status).toContain('Upload failed');
    expect(status).toContain('“notes.txt” is not a photo this service can read.');
    expect(status).toContain('Use a JPEG, PNG, WebP, TIFF or GIF image.');
    // Sending the same bytes again cannot help, so there is nothing to retry.
    expect(await card.getByRole('button', { name: /Retry/ }).isHidden()).toBe(true);
    await screenshot(page, '04-unsupported-file');

    await card.getByRole('button', { name: 'Remove notes.txt' }).click();
    await cardOf(page, 'notes.txt').waitFor({ state: 'detached' });
    expect(await page.locator('#jobs-empty').isVisible()).toBe(true);
  });

  it('says in plain words that a file with an unreadable image header is damaged (400)', async () => {
    const { page } = await open(t);
    const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    await page.setInputFiles('#file-input', {
      name: 'broken.png',
      mimeType: 'image/png',
      buffer: Buffer.concat([pngSignature, Buffer.from('not a real PNG header at all')]),
    });
    const card = inState(page, 'broken.png', 'rejected');
    await card.waitFor();
    const status = await card.locator('.status').innerText();
    expect(status).toContain(
      '“broken.png” claims to be an image, but its header could not be read.',
    );
    expect(await card.getByRole('button', { name: /Retry/ }).isHidden()).toBe(true);
    await screenshot(page, '04-invalid-image-400');
  });

  it('shows a job that fails in the worker (corrupt JPEG) as failed, with the reason', async () => {
    const { page } = await open(t);
    const full = readFileSync(photo(CAT));
    // A slice cut out of the scan, end marker kept: accepted, then refused by the strict decode.
    const half = Math.floor(full.length / 2);
    await page.setInputFiles('#file-input', {
      name: 'half-cat.jpg',
      mimeType: 'image/jpeg',
      buffer: Buffer.concat([full.subarray(0, half), full.subarray(half + 4000)]),
    });
    const card = inState(page, 'half-cat.jpg', 'failed');
    await card.waitFor();
    const status = await card.locator('.status').innerText();
    expect(status).toContain('Failed');
    expect(status).toContain('The photo could not be decoded');
    await screenshot(page, '04-truncated-jpeg-failed');
  });

  it('falls back to polling while the socket is unavailable, and goes live again once it is back', async () => {
    const block = '**/socket.io/**';
    const { page, statusPolls } = await open(t, (p) => p.route(block, (route) => route.abort()));
    await connection(page, /^Polling every second — live updates unavailable$/);
    await uploadDone(page, CAT);
    expect(statusPolls.length).toBeGreaterThan(0);
    expect(await loaded(cardOf(page, CAT).locator('img.depth-image'))).toBeTruthy();
    await screenshot(page, '06-polling-fallback');

    await page.unroute(block);
    // Socket.IO's reconnection backs off to 5 s at most.
    await connection(page, /^Live updates$/, 15_000);
    const polls = statusPolls.length;
    await uploadDone(page, ROOM);
    expect(statusPolls.length).toBe(polls);
  });
});

describe('web client against a busy app (slow model, one worker, room for one job)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ MODEL_PATH: model('slow'), WORKERS: '1', QUEUE_MAX: '1' });
    await waitReady(t);
  });
  afterAll(() => t.close());

  it('shows the 503 busy message with a Retry button, and Retry then succeeds', async () => {
    const { page } = await open(t);
    await connection(page, /^Live updates$/);
    await page.setInputFiles('#file-input', [photo(CAT), photo(ROOM)]);
    // Both go up at once; whichever the server admits second is refused.
    const refused = page.locator('li.card[data-state="rejected"]');
    await refused.waitFor();
    const status = await refused.locator('.status').innerText();
    expect(status).toMatch(
      /The service is busy with other photos right now\. Try again (in \d+ seconds|in a moment)\./,
    );
    const retry = refused.getByRole('button', { name: /^Retry / });
    expect(await retry.isVisible()).toBe(true);
    await screenshot(page, '05-busy-503');

    await page.locator('li.card[data-state="done"]').waitFor();
    const name = await refused.locator('.card-title').innerText();
    await retry.click();
    await inState(page, name, 'done').waitFor();
    expect(await page.locator('li.card[data-state="done"]').count()).toBe(2);
    await screenshot(page, '05-retry-done');
  });
});

describe('web client against a slow app with a queue', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ MODEL_PATH: model('slow'), WORKERS: '1', QUEUE_MAX: '8' });
    await waitReady(t);
  });
  afterAll(() => t.close());

  it('shows each waiting photo with its queue position, then every result', async () => {
    const { page } = await open(t);
    await connection(page, /^Live updates$/);
    const names = [CAT, ROOM, 'waterfall_exif_orient6.jpg'];
    await page.setInputFiles(
      '#file-input',
      names.map((name) => photo(name)),
    );
    await page
      .locator('li.card .status', { hasText: /^Queued — position [12]$/ })
      .first()
      .waitFor();
    await page.locator('li.card[data-state="processing"]').waitFor();
    await screenshot(page, '05-queue-positions');
    for (const name of names) await inState(page, name, 'done').waitFor();
  });
});

describe('web client against an app that deduplicates uploads (slow model, one worker)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ DEDUPE: 'on', MODEL_PATH: model('slow'), WORKERS: '1' });
    await waitReady(t);
  });
  afterAll(() => t.close());

  it('shows the depth map on every card of the same photo, sent together or later', async () => {
    const { page } = await open(t);
    await connection(page, /^Live updates$/);
    const bytes = readFileSync(photo(ROOM));
    const copy = (name: string) => ({ name, mimeType: 'image/jpeg', buffer: bytes });
    // Side by side, so the second upload joins the first one's job while it runs.
    await page.setInputFiles('#file-input', [copy('first-copy.jpg'), copy('second-copy.jpg')]);
    for (const name of ['first-copy.jpg', 'second-copy.jpg']) {
      await inState(page, name, 'done').waitFor();
    }
    await page.setInputFiles('#file-input', [copy('third-copy.jpg')]);
    await inState(page, 'third-copy.jpg', 'done').waitFor();
    // One job served all three cards.
    expect(t.app.get(ResultsStore).size).toBe(1);
    for (const name of ['first-copy.jpg', 'second-copy.jpg', 'third-copy.jpg']) {
      expect((await loaded(cardOf(page, name).locator('img.depth-image'))).width).toBe(2048);
    }
  });
});

describe('web client against an app with tight limits', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Refused uploads count towards the per-IP limit too: 413, then 202, then 429.
    t = await startApp({ MAX_UPLOAD_BYTES: '100000', UPLOAD_RATE_LIMIT: '2' });
    await waitReady(t);
  });
  afterAll(() => t.close());

  it('explains a too-large upload (413) and a rate limit (429) with its Retry-After', async () => {
    const { page } = await open(t);
    await page.setInputFiles('#file-input', photo(ROOM));
    const tooLarge = inState(page, ROOM, 'rejected');
    await tooLarge.waitFor();
    expect(await tooLarge.locator('.status').innerText()).toContain(
      `“${ROOM}” is too large to upload (the limit is 98 KB).`,
    );
    expect(await tooLarge.getByRole('button', { name: /Retry/ }).isHidden()).toBe(true);

    await uploadDone(page, CAT);
    await page.setInputFiles('#file-input', {
      name: 'cat-again.jpg',
      mimeType: 'image/jpeg',
      buffer: readFileSync(photo(CAT)),
    });
    const limited = inState(page, 'cat-again.jpg', 'rejected');
    await limited.waitFor();
    expect(await limited.locator('.status').innerText()).toMatch(
      /Too many uploads from your address in a short time\. Try again in \d+ seconds\./,
    );
    expect(await limited.getByRole('button', { name: 'Retry cat-again.jpg' }).isVisible()).toBe(
      true,
    );
    await screenshot(page, '08-too-large-and-rate-limited');
  });
});

describe('web client while the model is missing', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ MODEL_PATH: '/nonexistent/depth-model.onnx' });
  });
  afterAll(() => t.close());

  it('explains in the banner how to provide the model, and why uploads are refused', async () => {
    const { page } = await open(t);
    const banner = page.locator('#health-banner');
    await banner.waitFor();
    const text = await banner.innerText();
    expect(text).toContain('npm run model:fetch');
    expect(text).toContain('MODEL_PATH');
    expect(text).toContain('MODEL_PATH=models/synthetic-tiny.onnx npm start');

    await page.setInputFiles('#file-input', photo(CAT));
    const card = inState(page, CAT, 'rejected');
    await card.waitFor();
    expect(await card.locator('.status').innerText()).toContain(
      'The depth model is not loaded yet',
    );
    await screenshot(page, '07-model-missing');
  });
});
