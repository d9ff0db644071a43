// Shared by the browser tests: the server's address, Debian's Chromium, screenshots.
import { chromium } from 'playwright-core';
import { HtmlValidate } from 'html-validate';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
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
// title is its whole statement (see html.test.mjs). The editor's results table spells out the
// table roles on purpose: on a narrow screen its rows are stacked with `display: block`, which
// makes browsers drop the table semantics the roles restore.
const domValidator = new HtmlValidate({
  extends: ['html-validate:recommended'],
  rules: {
    'no-inline-style': 'off', 'attribute-boolean-style': 'off', 'attribute-empty-style': 'off', 'long-title': 'off',
    'no-redundant-role': 'off',
  },
});

export async function domProblems(page) {
  const html = await page.evaluate(() => '<!DOCTYPE html>\n' + document.documentElement.outerHTML);
  const report = await domValidator.validateString(html);
  return report.results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
}

// axe-core (npm) in the page: the violations of WCAG 2.x A and AA and axe's best practices whose
// impact is serious or critical, one line each with the elements they concern. The source is
// evaluated by Playwright (a debugging channel the page's Content-Security-Policy does not
// govern), so the pages keep their strict policy.
const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export async function seriousAxeViolations(page) {
  await page.evaluate(await axeSource);
  const results = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  }));
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')})`);
}

// All of axe's findings, any impact, for the report (the test fails only on serious ones).
export async function axeSummary(page) {
  await page.evaluate(await axeSource);
  const results = await page.evaluate(() => window.axe.run(document));
  return results.violations.map((v) => `${v.impact} ${v.id} ×${v.nodes.length}`);
}
