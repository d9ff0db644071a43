// The Linked Data pages in a real browser: the site's frame, an entity's facts before its raw
// properties, a fact's quoted sentence with the evidence marked, links out, the language switch,
// valid HTML, no CSP violations, and phone width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, DESKTOP, PHONE, domProblems, launch, openPage, screenshot } from './helpers.mjs';

const EV_2021 = 'Alleen al in 2021 rolden in Brussel 43.866 elektrisch aangedreven Audi-modellen van de band';
const RAIL_EVIDENCE = 'zorgt jaarlijks voor een CO2-besparing van circa 2.600 ton';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// Whether `first` comes before `second` in the document.
async function precedes(page, first, second) {
  return page.evaluate(([a, b]) => {
    const x = document.querySelector(a);
    const y = document.querySelector(b);
    return Boolean(x && y && (x.compareDocumentPosition(y) & Node.DOCUMENT_POSITION_FOLLOWING));
  }, [first, second]);
}

async function assertFrame(page) {
  const nav = page.getByRole('navigation', { name: 'Main' });
  assert.deepEqual(await nav.getByRole('link').allTextContents(), ['Ask', 'Query', 'Dataset']);
  assert.deepEqual(await nav.getByRole('link').evaluateAll((links) => links.map((a) => a.getAttribute('href'))),
    ['/', '/query', '/.well-known/void']);
  assert.equal(await page.locator('footer.site-footer').count(), 1);
  // The page has no inline styles, so the strict policy costs nothing; the site's sheet applies.
  assert.equal(await page.locator('style, [style]').count(), 0);
  assert.equal(await page.locator('.site-header').evaluate((h) => getComputedStyle(h).display), 'flex');
}

test('an entity page: frame, facts first with value and time, marked sources, links out', async () => {
  const { context, page, problems } = await openPage(browser);
  const response = await page.goto(BASE_URL + '/id/audi-brussels');
  assert.match(response.headers()['content-security-policy'], /^default-src 'self'; script-src 'self'; style-src 'self';/);
  // The browser asks for Dutch (locale nl-NL): the page is Dutch, its English frame says so.
  assert.equal(await page.locator('html').getAttribute('lang'), 'nl');
  assert.equal(await page.title(), 'Audi Brussels · factgraph');
  assert.equal(await page.locator('h1').textContent(), 'Audi Brussels');
  assert.equal(await page.locator('header.site-header').getAttribute('lang'), 'en');
  await assertFrame(page);
  // The facts come before the raw property table, each as its readable statement.
  assert.ok(await precedes(page, 'section.facts', 'section.properties'), 'facts before properties');
  assert.ok(await precedes(page, 'section.properties', 'section.incoming'), 'properties before incoming links');
  // Each fact once: no fact is linked twice, and the direct triples the facts state are not
  // repeated in the property table ("produceert model" is a fact's relation, not a row).
  const factLinks = await page.locator('main a[href^="/id/fact/"]').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  assert.deepEqual(factLinks, [...new Set(factLinks)], 'a fact linked twice');
  assert.equal(await page.locator('section.properties th a', { hasText: 'produceert model' }).count(), 0);
  // The type is its class's label, as a name.
  assert.equal(await page.locator('.types a.type').textContent(), 'Fabriek');
  // Counts in the headings; the incoming links grouped by relation with their count.
  assert.match(await page.locator('section.facts h2').textContent(), /^Feiten \(\d+\)$/);
  assert.match(await page.locator('section.incoming details.link-group summary').first().textContent(), /^\S.* \(\d+\)$/);
  // A long list of values is one line until opened.
  const names = page.locator('section.properties details.long-values');
  assert.match(await names.locator('summary').textContent(), /^\d+ waarden$/);
  assert.ok(await names.locator('ul').isHidden());
  const facts = page.locator('section.facts article.fact');
  assert.ok(await facts.count() >= 10, 'the plant has many facts');
  const ev = facts.filter({ has: page.locator('a[href="/id/fact/plant-electric-vehicles-2021"]') });
  assert.equal(await ev.locator('h3').textContent(), 'In 2021 rolden in Brussel 43.866 elektrisch aangedreven Audi-modellen van de band.');
  // Numbers are written one way per language: the value as the statement writes it.
  assert.equal(await ev.locator('.fact-details .value dd').textContent(), '43.866');
  assert.equal(await ev.locator('.fact-details .time dd').textContent(), 'in 2021');
  // The sentence is behind a toggle on an entity's page (its fact page leads with it).
  assert.ok(await ev.locator('blockquote').isHidden());
  await ev.locator('details.fact-source summary').click();
  assert.equal(await ev.locator('blockquote mark').textContent(), EV_2021);
  assert.equal(await ev.locator('blockquote').getAttribute('lang'), 'nl');
  assert.equal(await ev.locator('figcaption a').textContent(), 'zin 21');
  // Facts in which the plant is the value, by their statements, also before the raw table.
  assert.ok(await precedes(page, 'section.value-of', 'section.properties'));
  assert.ok((await page.locator('section.value-of a').allTextContents()).includes('Audi is sinds 2007 eigenaar van de fabriek in Brussel.'));
  // Links out: DBpedia for the plant itself.
  const dbpedia = page.locator('a.external[href="http://dbpedia.org/resource/Audi_Brussels"]');
  assert.equal(await dbpedia.getAttribute('rel'), 'external');
  assert.ok(await dbpedia.isVisible());
  // The RDF representations, linked and served.
  const formats = page.locator('nav.formats a');
  assert.deepEqual(await formats.allTextContents(), ['Turtle', 'N-Triples', 'JSON-LD', 'RDF/XML']);
  const turtle = await fetch(new URL(await formats.first().getAttribute('href'), page.url()));
  assert.match(turtle.headers.get('content-type'), /^text\/turtle/);
  const rdf = await turtle.text();
  assert.ok(rdf.includes('id:audi-brussels') && rdf.includes('fg:Plant'), rdf.slice(0, 400));
  await screenshot(page, 'resource-entity');
  await screenshot(page, 'resource-entity-top', { fullPage: false });
  await page.locator('section.value-of').evaluate((section) => section.scrollIntoView());
  await screenshot(page, 'resource-entity-properties', { fullPage: false });
  await page.evaluate(() => window.scrollTo(0, 0));
  assert.deepEqual(await domProblems(page), []);
  // Keyboard, from a fresh load: the skip link comes first and jumps to the content; the
  // language switch works.
  await page.reload();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to the content');
  await page.keyboard.press('Enter');
  assert.equal(new URL(page.url()).hash, '#main');
  const english = page.locator('.languages a[hreflang="en"]');
  await english.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\?lang=en$/);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.equal(await page.locator('h1').textContent(), 'Audi Brussels plant');
  assert.equal(await page.locator('.languages a[aria-current]').textContent(), 'English');
  assert.equal(await page.locator('.types a.type').textContent(), 'Plant');
  const ev2021 = page.locator('section.facts article.fact').filter({ has: page.locator('a[href="/id/fact/plant-electric-vehicles-2021"]') });
  assert.equal(await ev2021.locator('.fact-details .value dd').textContent(), '43,866');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a fact page leads with its statement and the quoted sentence, the evidence marked', async () => {
  const { context, page, problems } = await openPage(browser);
  await page.goto(BASE_URL + '/id/fact/rail-line-co2-saving');
  await assertFrame(page);
  assert.equal(await page.locator('h1').textContent(), 'De groene vrachtlijn bespaart jaarlijks circa 2.600 ton CO2.');
  // Right after the header: the sentence, then the details, then the raw table.
  assert.ok(await precedes(page, 'header.resource-header', 'section.statement'));
  assert.ok(await precedes(page, 'section.statement', 'section.properties'));
  const quote = page.locator('section.statement blockquote').first();
  assert.equal(await quote.locator('mark').textContent(), RAIL_EVIDENCE);
  assert.equal(await quote.textContent(), 'Deze groene vrachtlijn (1.300 km) zorgt jaarlijks voor een CO2-besparing van circa 2.600 ton.');
  assert.equal(await page.locator('section.statement figcaption a').getAttribute('href'), '/id/article/s17');
  const details = page.locator('section.statement .fact-details');
  assert.equal(await details.locator('.unit a').getAttribute('href'), 'http://qudt.org/vocab/unit/TONNE');
  assert.match(await details.locator('.hedge dd').textContent(), /circa/);
  assert.match(await details.locator('.time dd').textContent(), /2022-12/);
  assert.equal(await details.locator('.subject a').getAttribute('href'), '/id/hungary-rail-freight-line');
  await screenshot(page, 'resource-fact');
  assert.deepEqual(await domProblems(page), []);
  // The sentence's own page quotes it with the evidence of its facts marked, and lists them.
  await page.locator('section.statement figcaption a').click();
  await page.waitForURL(/\/id\/article\/s17$/);
  assert.equal(await page.locator('h1').textContent(), 'zin 17');
  assert.ok((await page.locator('section.sentence blockquote mark').allTextContents()).includes(RAIL_EVIDENCE));
  assert.ok(await page.locator('ul.from-sentence a[href="/id/fact/rail-line-co2-saving"]').count() === 1);
  await screenshot(page, 'resource-sentence');
  assert.deepEqual(await domProblems(page), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('Wikidata links out, and the documents and dataset pages share the frame', async () => {
  const { context, page, problems } = await openPage(browser);
  await page.goto(BASE_URL + '/id/audi?lang=en');
  const wikidata = page.locator('a.external[href="http://www.wikidata.org/entity/Q23317"]');
  assert.ok(await wikidata.isVisible());
  for (const path of ['/.well-known/void', '/def/', '/shape/', '/def/qa']) {
    await page.goto(BASE_URL + path);
    await assertFrame(page);
    assert.deepEqual(await domProblems(page), [], path);
  }
  assert.equal(await page.locator('nav[aria-label="Main"] a[aria-current="page"]').count(), 0);
  await page.goto(BASE_URL + '/.well-known/void');
  assert.equal(await page.locator('nav[aria-label="Main"] a[aria-current="page"]').textContent(), 'Dataset');
  await screenshot(page, 'resource-void');
  assert.deepEqual(problems, []);
  await context.close();
});

test('links into the article are grouped by relation, the long group collapsed with its count', async () => {
  const { context, page, problems } = await openPage(browser);
  await page.goto(BASE_URL + '/id/article?lang=en');
  const groups = page.locator('section.incoming details.link-group');
  const summaries = await groups.locator('summary').allTextContents();
  const partOf = groups.filter({ has: page.locator('summary', { hasText: /^(is part of|dcterms:isPartOf) \(22\)$/ }) });
  assert.equal(await partOf.count(), 1, summaries.join(' | '));
  assert.equal(await partOf.getAttribute('open'), null, 'a long group starts collapsed');
  assert.equal(await partOf.locator('li').count(), 22);
  // Named and in reading order: "sentence 2" before "sentence 10".
  assert.deepEqual((await partOf.locator('li').allTextContents()).slice(0, 3), ['sentence 1', 'sentence 2', 'sentence 3']);
  await partOf.locator('summary').click();
  assert.ok(await partOf.locator('li').first().isVisible());
  await screenshot(page, 'resource-article-incoming', { fullPage: false });
  assert.deepEqual(problems, []);
  await context.close();
});

test("the plant's page is far shorter than before issue 17 (5 600 px desktop, 8 700 px phone)", async () => {
  for (const [viewport, before] of [[DESKTOP, 5600], [PHONE, 8700]]) {
    const { context, page, problems } = await openPage(browser, viewport);
    await page.goto(BASE_URL + '/id/audi-brussels');
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    console.log(`/id/audi-brussels at ${viewport.width} px: ${height} px high (was ${before})`);
    assert.ok(height < before * 0.7, `${height}px at ${viewport.width}px`);
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('resource pages fit a 375 px phone', async () => {
  const { context, page, problems } = await openPage(browser, PHONE);
  for (const [path, name] of [
    ['/id/audi-brussels', 'resource-entity-phone'],
    ['/id/fact/rail-line-co2-saving', 'resource-fact-phone'],
    ['/shape/', null],
    ['/.well-known/void', null],
  ]) {
    await page.goto(BASE_URL + path);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `${path} is ${width}px wide on a ${PHONE.width}px screen`);
    if (name) {
      await screenshot(page, name);
      await screenshot(page, name + '-top', { fullPage: false });
    }
  }
  assert.deepEqual(problems, []);
  await context.close();
});
