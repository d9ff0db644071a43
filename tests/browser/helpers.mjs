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

// A page that fails the test on any script error, console error (a failed request, a 404 of
// a route the page calls, a Content-Security-Policy violation) or request to another origin.
export async function openPage(browser, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, locale: 'nl-NL' });
  // Chromium logs CSP violations to the console too; the event also names the directive.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error('CSP violation: ' + event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline'));
    });
  });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push('page error: ' + error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push('console error: ' + message.text() + ' (' + page.url() + ')');
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

// The whole page, or with `{ fullPage: false }` what the window shows (long pages are easier to
// look at that way).
export async function screenshot(page, name, { fullPage = true } = {}) {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, name + '.png');
  await page.screenshot({ path, fullPage });
  return path;
}

// The DOM after the scripts ran, serialized by the browser, checked with html-validate's
// recommended rules. The browser writes `defer=""` and `hidden=""`: the same document spelled
// differently, so the spelling rules are off; inline styles are CodeMirror's own; a fact page's
// title is its whole statement (see html.test.mjs).
const domValidator = new HtmlValidate({
  extends: ['html-validate:recommended'],
  rules: { 'no-inline-style': 'off', 'attribute-boolean-style': 'off', 'attribute-empty-style': 'off', 'long-title': 'off' },
});

export async function domProblems(page) {
  const html = await page.evaluate(() => '<!DOCTYPE html>\n' + document.documentElement.outerHTML);
  const report = await domValidator.validateString(html);
  return report.results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
}
