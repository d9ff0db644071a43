// Shared by the browser tests: the server's address, Debian's Chromium, screenshots.
import { chromium } from 'playwright-core';
import { HtmlValidate } from 'html-validate';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BASE_URL = (process.env.FACTGRAPH_URL || 'http://127.0.0.1:7979').replace(/\/$/, '');

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCREENSHOTS = process.env.SCREENSHOT_DIR || join(repo, 'target', 'browser');

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 375, height: 740 };

// The flags this machine needs: no sandbox as root, and no background connections, which the
// closed network refuses.
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

// A page that fails the test on any script error or console error it shows.
export async function openPage(browser, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, locale: 'nl-NL' });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push('page error: ' + error.message));
  page.on('console', (message) => {
    // A failed fetch of a route that is not there yet (e.g. /questions) is reported by the page
    // itself; resource errors of our own assets are what matter here.
    if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of 404/.test(message.text())) {
      problems.push('console error: ' + message.text());
    }
  });
  // Chromium reports a response whose body nobody read (a 404 the page handled) as aborted;
  // only requests that got no response at all are failures.
  // Works offline: every request a page makes goes to this service.
  const origin = new URL(BASE_URL).origin;
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith('data:') && new URL(url).origin !== origin) problems.push('request to another origin: ' + url);
  });
  page.on('requestfailed', async (request) => {
    if (!(await request.response().catch(() => null))) {
      problems.push('request failed: ' + request.url() + ' (' + (request.failure()?.errorText ?? '?') + ')');
    }
  });
  return { context, page, problems };
}

export async function screenshot(page, name) {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, name + '.png');
  await page.screenshot({ path, fullPage: true });
  return path;
}

// Whether the server answers a route at all (404 means the route does not exist on this build).
export async function hasRoute(path) {
  const response = await fetch(BASE_URL + path, { headers: { Accept: 'application/json' } });
  return response.status !== 404;
}

// The DOM after the scripts ran, serialized by the browser, checked with html-validate's
// recommended rules. The browser writes `defer=""` and `hidden=""`: the same document spelled
// differently, so the spelling rules are off; inline styles are CodeMirror's own.
const domValidator = new HtmlValidate({
  extends: ['html-validate:recommended'],
  rules: { 'no-inline-style': 'off', 'attribute-boolean-style': 'off', 'attribute-empty-style': 'off' },
});

export async function domProblems(page) {
  const html = await page.evaluate(() => '<!DOCTYPE html>\n' + document.documentElement.outerHTML);
  const report = await domValidator.validateString(html);
  return report.results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
}
