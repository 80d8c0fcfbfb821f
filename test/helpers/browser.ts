import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from './paths';

/** CI installs Debian's Chromium here; nothing is ever downloaded by the tests. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = join(ROOT, 'test', 'artifacts', 'web-client');
export const CLIENT_INDEX = join(ROOT, 'dist', 'client', 'index.html');

/** Fails early and plainly when the suite cannot run, instead of timing out on a blank page. */
export function assertPrerequisites(): void {
  if (!existsSync(CLIENT_INDEX)) {
    throw new Error(
      `${CLIENT_INDEX} is missing: run npm run build (it builds the web client with Vite) first.`,
    );
  }
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium was not found at ${CHROMIUM_PATH}. Install it (Debian: apt-get install chromium) ` +
        'or set CHROMIUM_PATH; the browser suite never downloads one.',
    );
  }
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export interface OpenPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions in the page: a client bug even when the UI looks right. */
  pageErrors: Error[];
  /** Paths of every GET /api/v1/depth/:id, i.e. of status polls. */
  statusPolls: string[];
}

const STATUS_PATH = /^\/api\/v1\/depth\/[0-9a-f-]+$/;

export async function openPage(
  browser: Browser,
  port: number,
  setup?: (page: Page) => Promise<unknown>,
): Promise<OpenPage> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const pageErrors: Error[] = [];
  const statusPolls: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error));
  // A CSP violation is only a console error, but it means part of the page is blocked.
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
      pageErrors.push(new Error(message.text()));
    }
  });
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (request.method() === 'GET' && STATUS_PATH.test(path)) statusPolls.push(path);
  });
  if (setup) await setup(page);
  await page.goto(`http://127.0.0.1:${port}/`);
  return { context, page, pageErrors, statusPolls };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
}

/** The card of one upload, found by its file name. */
export const cardOf = (page: Page, fileName: string) =>
  page.locator('li.card').filter({ has: page.locator('.card-title', { hasText: fileName }) });

/**
 * One headless Chromium for a spec file, with the hooks every browser suite
 * needs: prerequisites checked and the browser launched before the tests,
 * each test's pages closed after it (and any page error failing it). Returns
 * the function that opens the app's page on a given port.
 */
export function browserSuite(): (
  port: number,
  setup?: (page: Page) => Promise<unknown>,
) => Promise<OpenPage> {
  let browser: Browser | undefined;
  const pages: OpenPage[] = [];
  beforeAll(async () => {
    assertPrerequisites();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    const opened = pages.splice(0);
    await Promise.all(opened.map(({ context }) => context.close()));
    for (const { pageErrors } of opened) expect(pageErrors).toEqual([]);
  });
  return async (port, setup) => {
    if (!browser) throw new Error('The browser suite has not started.');
    const opened = await openPage(browser, port, setup);
    pages.push(opened);
    return opened;
  };
}
