import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { sampledPoints } from '../src/inference/pipeline/point-cloud';
import { browserSuite, cardOf, CLIENT_INDEX, OpenPage, screenshot } from './helpers/browser';
import { photo } from './helpers/paths';
import { parsePlyHeader } from './helpers/ply';
import { listen, startApp, TestApp, waitReady } from './helpers/test-app';

/*
 * The 3D preview in real headless Chromium (WebGL through SwiftShader) against
 * the real app: three.js must stay off the first page and arrive only when the
 * 3D toggle is first pressed; the cloud must then be drawn and orbitable.
 */

const CAT = 'chelsea_cat_small.jpg';
const ASSETS = join(CLIENT_INDEX, '..', 'assets');

/** The built chunks that hold three.js, found by content so that hashed names do not matter. */
const threeChunks = () =>
  readdirSync(ASSETS).filter(
    (name) =>
      name.endsWith('.js') &&
      readFileSync(join(ASSETS, name), 'utf8').includes('THREE.WebGLRenderer'),
  );

const openApp = browserSuite();

/** Opens the page, recording the path and query of every request it makes. */
async function open(t: TestApp): Promise<OpenPage & { requested: string[] }> {
  const requested: string[] = [];
  const opened = await openApp(await listen(t), (page) => {
    page.on('request', (req) => {
      const url = new URL(req.url());
      requested.push(url.pathname + url.search);
    });
    return Promise.resolve();
  });
  return { ...opened, requested };
}

async function uploadDone(page: Page, name: string): Promise<Locator> {
  await page.setInputFiles('#file-input', photo(name));
  const card = cardOf(page, name);
  await card.and(page.locator('[data-state="done"]')).waitFor();
  return card;
}

/** How much a picture varies: distinct colours among its pixels, read with sharp. */
async function distinctColours(png: Buffer): Promise<number> {
  const { data } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const seen = new Set<number>();
  for (let i = 0; i < data.length; i += 3)
    seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
  return seen.size;
}

const fraction = (a: Buffer, b: Buffer) => {
  let differ = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differ++;
  return differ / a.length;
};
const rawPixels = (png: Buffer) => sharp(png).removeAlpha().raw().toBuffer();

describe('3D point cloud preview', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
    await waitReady(t);
  });
  afterAll(() => t.close());

  it('loads three.js only when 3D is first pressed, then draws an orbitable cloud', async () => {
    const chunks = threeChunks();
    expect(chunks).toHaveLength(1);
    const chunkRequests = (requested: string[]) =>
      requested.filter((path) => chunks.some((chunk) => path.endsWith(`/${chunk}`)));
    const { page, requested } = await open(t);
    await page.waitForLoadState('networkidle');
    const card = await uploadDone(page, CAT);
    // The first page and a finished result are all there without three.js.
    expect(requested.some((path) => path.startsWith('/assets/index-'))).toBe(true);
    expect(chunkRequests(requested)).toEqual([]);

    const toggle = card.getByRole('button', { name: `3D view of ${CAT}` });
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    const plyResponse = page.waitForResponse((res) => res.url().includes('format=ply'));
    // Keyboard first: the toggle is an ordinary button.
    await toggle.focus();
    await page.keyboard.press('Enter');
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    const canvas = card.locator('canvas.point-cloud-canvas');
    await canvas.waitFor();
    expect(chunkRequests(requested)).toHaveLength(1);

    const res = await plyResponse;
    expect(res.status()).toBe(200);
    const step = Number(new URL(res.url()).searchParams.get('step'));
    const header = parsePlyHeader(await res.body());
    const size = await card.locator('img.depth-image').evaluate((img) => {
      const image = img as unknown as { naturalWidth: number; naturalHeight: number };
      return { width: image.naturalWidth, height: image.naturalHeight };
    });
    expect(step).toBeGreaterThanOrEqual(1);
    expect(header.vertexCount).toBeGreaterThan(0);
    expect(header.vertexCount).toBeLessThanOrEqual(sampledPoints(size.width, size.height, step));
    expect(await canvas.getAttribute('aria-label')).toMatch(/^3D point cloud of chelsea_cat/);

    // Drawn: many colours, not a blank or single-colour canvas.
    const first = await canvas.screenshot();
    expect(await distinctColours(first)).toBeGreaterThan(200);
    await screenshot(page, '07-point-cloud-3d');

    // Orbitable by mouse drag and by keyboard (Shift+arrows orbit in OrbitControls).
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2 + 30, { steps: 6 });
    await page.mouse.up();
    const dragged = await canvas.screenshot();
    expect(fraction(await rawPixels(first), await rawPixels(dragged))).toBeGreaterThan(0.05);
    await canvas.focus();
    await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.press('Shift+ArrowLeft');
    const turned = await canvas.screenshot();
    expect(fraction(await rawPixels(dragged), await rawPixels(turned))).toBeGreaterThan(0.05);
    await screenshot(page, '07-point-cloud-3d-orbited');

    // Closing frees the canvas; reopening reuses the loaded chunk and the fetched cloud.
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    expect(await canvas.count()).toBe(0);
    const before = requested.length;
    await toggle.click();
    await canvas.waitFor();
    expect(requested.slice(before).filter((path) => path.includes('format=ply'))).toEqual([]);
    expect(chunkRequests(requested)).toHaveLength(1);
  });

  it("shows a failed point-cloud fetch in the card's error style, and the toggle stays usable", async () => {
    const other = await startApp();
    await waitReady(other);
    const { page } = await open(other);
    const card = await uploadDone(page, CAT);
    // The server going away is a real failure the page must explain.
    await other.close();
    const toggle = card.getByRole('button', { name: `3D view of ${CAT}` });
    await toggle.click();
    const problem = card.locator('.point-cloud-section .result-problem');
    await problem.waitFor();
    expect(await problem.getAttribute('role')).toBe('alert');
    expect(await problem.innerText()).toMatch(/Could not reach the server/);
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    expect(await card.locator('canvas').count()).toBe(0);
    await screenshot(page, '07-point-cloud-error');
  });
});
