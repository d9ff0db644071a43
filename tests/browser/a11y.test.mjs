// Accessibility with axe-core: no serious or critical violation on the home page (with an answer
// card and with the question builder in use), the editor (with results and with a syntax
// error), a resource page, a fact page and the documentation, at 1280 and at 375 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, DESKTOP, PHONE, axeSummary, launch, openPage, seriousAxeViolations } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// Each page with what to do before checking it.
const PAGES = [
  ['/', async (page) => { await page.locator('#builder').waitFor(); }],
  ['/?q=' + encodeURIComponent('Bespaart de spoorlijn meer CO2 dan de zonnepanelen?'), async (page) => {
    await page.locator('#answer .card').waitFor();
    await page.locator('#answer details.details summary').click();
  }],
  ['/?q=' + encodeURIComponent('How much CO2 does the rail line save per year?'), async (page) => { await page.locator('#answer .card').waitFor(); }],
  ['/?q=' + encodeURIComponent('What is the colour of the sky?'), async (page) => { await page.locator('#answer .card.unanswered').waitFor(); }],
  ['/ (builder in use)', async (page) => {
    await page.locator('#builder').waitFor();
    await page.locator('#thing-filter').fill('zonne');
    await page.locator('#thing-list input').first().check();
    await page.locator('#question-list input').first().check();
  }],
  ['/query', async (page) => {
    await page.locator('.CodeMirror').waitFor();
    await page.getByRole('button', { name: 'Run query' }).click();
    await page.locator('#results table').waitFor();
  }],
  ['/query?query=' + encodeURIComponent('SELECT * WHERE {\n  ?s ?p\n}'), async (page) => { await page.locator('#query-error').waitFor(); }],
  ['/id/audi-brussels', null],
  ['/id/audi-brussels?lang=en', null],
  ['/id/fact/rail-line-co2-saving', null],
  ['/id/article', null],
  ['/docs/fact-model', null],
];

for (const viewport of [DESKTOP, PHONE]) {
  for (const [path, prepare] of PAGES) {
    test(`${path} at ${viewport.width} px has no serious or critical axe violation`, async () => {
      const { context, page, problems } = await openPage(browser, viewport);
      await page.goto(BASE_URL + path.replace(/ \(.*\)$/, ''));
      if (prepare) await prepare(page);
      const serious = await seriousAxeViolations(page);
      assert.deepEqual(serious, [], path);
      if (viewport === DESKTOP) console.log(`axe ${path}: ${(await axeSummary(page)).join(', ') || 'no violations'}`);
      // The syntax-error page logs its 400 from /sparql; nothing else may go wrong.
      assert.deepEqual(problems.filter((p) => !/status of 400/.test(p)), []);
      await context.close();
    });
  }
}
