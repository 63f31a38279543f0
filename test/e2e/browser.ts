import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { ensureWebBuilt } from '../../scripts/build-web.mjs';
import { createTestApp, eventually, type TestApp } from '../support/harness.ts';
import { DEMO_PASSWORD } from '../support/constants.ts';

/** The Debian browser, never a downloaded one (.ci/run installs it with apt-get). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const screenshotDir = new URL('../../docs/screenshots/', import.meta.url).pathname;

export interface Stage {
  t: TestApp;
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * The real server (the harness's migrated, demo-seeded database behind the real HTTP stack, listening on a
 * loopback port) serving the freshly built console, and a headless Chromium to drive it.
 */
export async function openStage(): Promise<Stage> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (see .ci/run)`);
  await ensureWebBuilt({ quiet: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'civicgrid-e2e-'));
  const t = await createTestApp({ CIVICGRID_DATA_DIR: dataDir });
  const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  mkdirSync(screenshotDir, { recursive: true });
  return {
    t,
    base,
    browser,
    async close() {
      // The browser first: its live case feeds hold connections the server would otherwise wait for.
      await browser.close();
      await t.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The stage for one test file: opened before its tests (with an optional setup on it, such as a busy day),
 * closed after. The returned object is filled in place by beforeAll, so tests use it as they used `stage`.
 */
export function useStage(setup?: (stage: Stage) => Promise<void>, timeoutMs = 240_000): Stage {
  const stage = {} as Stage;
  let opened = false;
  beforeAll(async () => {
    Object.assign(stage, await openStage());
    opened = true;
    await setup?.(stage);
  }, timeoutMs);
  afterAll(async () => {
    if (opened) await stage.close();
  });
  return stage;
}

/** A fresh browser profile (its own session storage), as a different person at a different PC. */
export async function person(stage: Stage, opts: { phone?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await stage.browser.newContext(
    opts.phone
      ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', baseURL: stage.base }
      : { viewport: { width: 1440, height: 900 }, locale: 'zh-CN', baseURL: stage.base },
  );
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  (page as Page & { jsErrors: string[] }).jsErrors = errors;
  trackRequests(page);
  return { context, page };
}

/** The page's API calls in flight (fetch and XHR; a live feed's event stream never ends and does not count). */
const inFlight = new WeakMap<Page, { n: number; last: number }>();
function trackRequests(page: Page) {
  const state = { n: 0, last: Date.now() };
  inFlight.set(page, state);
  const counts = (r: { resourceType(): string; headers(): Record<string, string> }) => (r.resourceType() === 'fetch' || r.resourceType() === 'xhr') && !(r.headers().accept ?? '').includes('text/event-stream');
  page.on('request', (r) => {
    if (counts(r)) state.n++;
  });
  const done = (r: Parameters<typeof counts>[0]) => {
    if (counts(r)) {
      state.n--;
      state.last = Date.now();
    }
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
}

/**
 * Waits until the screen's fetches have come back: none in flight for `quietMs` (a screen's first requests often
 * lead to a second round, reference data then the list). Instead of a fixed sleep long enough for the slowest run.
 */
export async function settled(page: Page, quietMs = 250, timeoutMs = 20_000): Promise<void> {
  const state = inFlight.get(page);
  if (!state) throw new Error('settled(): the page was not opened with person()');
  const since = Date.now();
  // quiet for quietMs since the call too: a screen that has just rendered may not have sent its fetches yet
  await eventually(async () => state.n <= 0 && Date.now() - Math.max(state.last, since) >= quietMs, "the screen's fetches to come back", timeoutMs);
}

export const jsErrors = (page: Page) => (page as Page & { jsErrors?: string[] }).jsErrors ?? [];

export async function signIn(page: Page, username: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.locator('button[type=submit]').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  await page.getByTestId('whoami').waitFor();
}

/**
 * A picture for docs/screenshots, taken by local runs (they are committed from there). CI's clone is thrown away
 * after the run, so there the picture and the pause before it are skipped: no step relies on either.
 */
export async function shot(page: Page, name: string, opts: { pauseMs?: number } = {}): Promise<void> {
  if (process.env.CI === 'true') return;
  // Let maps and charts finish drawing and toasts fade before the picture.
  await page.waitForTimeout(opts.pauseMs ?? 600);
  await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
}

/** Waits until a MapLibre map on the page has loaded its style and layers. */
export async function mapReady(page: Page): Promise<void> {
  await page.locator('[data-testid=map][data-ready=true]').first().waitFor({ timeout: 20_000 });
}

/**
 * Opens an antd Select (or tree select), types to filter (a long list is virtual: a far option is not rendered),
 * and clicks the option: a string is the option's whole text, a RegExp matches it. Only a dropdown on screen
 * counts: a closed one stays in the page, hidden. A multiple select stays open after a pick, so it is closed by
 * clicking the dialog's title (Escape or the mask would close the dialog itself), or by Tab outside one.
 *
 * The pick is then read back off the select: under CPU load the list can re-render between Playwright's hit test
 * and the click (the filter catching up with the typed text), and the click lands on nothing. Such a miss is
 * retried; a select that still does not show the option after three tries fails here, naming both texts,
 * instead of a later step failing on a form that quietly lacks a value.
 */
export async function choose(page: Page, select: Locator, search: string, option: string | RegExp): Promise<void> {
  const text = typeof option === 'string' ? new RegExp(`^${option.replace(/[.*+?^${}()|[\]\\（）]/g, '\\$&')}$`) : option;
  const root = select.locator('xpath=ancestor::*[contains(concat(" ", normalize-space(@class), " "), " ant-select ")][1]');
  const dropdown = page.locator('.ant-select-dropdown:visible');
  for (let attempt = 1; ; attempt++) {
    // this select's own state (another's dropdown may still be fading out)
    if ((await select.getAttribute('aria-expanded')) !== 'true') await select.click();
    await select.press('ControlOrMeta+a');
    await page.keyboard.type(search);
    const item = dropdown.locator('.ant-select-item-option, .ant-select-tree-node-content-wrapper').filter({ hasText: text }).first();
    const label = (await item.innerText()).trim();
    await item.click();
    const title = page.locator('.ant-modal-title:visible');
    if (await title.count()) await title.first().click();
    else await page.keyboard.press('Tab');
    const shown = (await root.innerText()).replace(/\s+/g, ' ').trim();
    if (shown.includes(label.replace(/\s+/g, ' '))) return;
    if (attempt === 3) throw new Error(`choose(): clicked 「${label}」 three times, the select still shows 「${shown}」`);
  }
}
