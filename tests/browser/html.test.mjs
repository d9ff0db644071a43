// Every page is valid HTML5 (html-validate's recommended rules, which include WCAG checks such
// as labels, lang and alt text), as served and as it stands after its scripts ran.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { HtmlValidate } from 'html-validate';
import { BASE_URL, domProblems, launch, openPage, screenshot } from './helpers.mjs';

const validator = new HtmlValidate({
  extends: ['html-validate:recommended'],
  rules: {
    // Inline `style` is CodeMirror's own way of sizing its parts; ours has none.
    'no-inline-style': 'off',
    // Our pages close void elements the HTML way (`<meta charset="utf-8">`).
    'void-style': ['error', { style: 'omit' }],
    // A fact's page is titled with its statement, a whole sentence: cutting it would make the
    // title say less than the fact. (Search-engine advice, not validity.)
    'long-title': 'off',
  },
});

async function problems(html) {
  const report = await validator.validateString(html);
  return report.results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
}

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PAGES = [
  '/', '/?q=%22%3E%3Cb%3Eescaped%3C%2Fb%3E', '/query', '/query?query=SELECT+*+%7B+%3Fs+%3Fp+%3Fo+%7D+LIMIT+3',
  // The Linked Data pages, in both languages.
  '/id/audi-brussels', '/id/audi-brussels?lang=nl', '/id/fact/rail-line-co2-saving', '/id/article/s10',
  '/def/Plant', '/def/', '/shape/', '/def/qa', '/.well-known/void', '/id/article',
  // The documentation the editor links to.
  '/docs/fact-model',
];
for (const path of PAGES) {
  test(`${path} is valid HTML as served`, async () => {
    const response = await fetch(BASE_URL + path, { headers: { Accept: 'text/html' } });
    assert.equal(response.status, 200);
    assert.deepEqual(await problems(await response.text()), []);
  });
}

test('/sparql for a browser (the editor) is valid HTML as served', async () => {
  const response = await fetch(BASE_URL + '/sparql', { headers: { Accept: 'text/html' } });
  assert.match(response.headers.get('content-type'), /^text\/html/);
  assert.deepEqual(await problems(await response.text()), []);
});

test('the editor with its results table is valid HTML after the scripts ran', async () => {
  const { context, page } = await openPage(browser);
  await page.goto(BASE_URL + '/query?query=' + encodeURIComponent('SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 5'));
  await page.locator('#results table').waitFor();
  await screenshot(page, 'editor-results');
  assert.deepEqual(await domProblems(page), []);
  await context.close();
});
