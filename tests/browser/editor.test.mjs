// The SPARQL editor in a real browser: run queries, read the table, errors, downloads, URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, DESKTOP, PHONE, launch, openPage, screenshot } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  test(`${name}: the editor opens with the first example's query; the prefixes are under a toggle; the docs are links`, async () => {
    const { context, page, problems } = await openPage(browser, viewport);
    await page.goto(BASE_URL + '/query');
    await page.locator('.CodeMirror').waitFor();
    const text = await page.evaluate(() => document.querySelector('.CodeMirror').CodeMirror.getValue());
    assert.match(text, /^SELECT \?fact \?label \?evidence \?sentence WHERE \{/);
    assert.ok(!text.includes('PREFIX'), text);
    // The whole query is in view without scrolling the page.
    const bottom = await page.locator('.CodeMirror').evaluate((e) => e.getBoundingClientRect().bottom);
    assert.ok(bottom <= viewport.height, `the editor ends at ${bottom}px on a ${viewport.height}px screen`);
    const prefixes = page.locator('details.prefixes');
    assert.match(await prefixes.locator('summary').textContent(), /^Predeclared prefixes \(\d+\)$/);
    assert.ok(await prefixes.locator('pre').isHidden());
    await prefixes.locator('summary').click();
    assert.match(await prefixes.locator('pre').textContent(), /^PREFIX \w+: <.*>$/m);
    await screenshot(page, `editor-open-${name}`, { fullPage: false });
    // The fact model and the ontology the text refers to are links that open.
    await page.getByRole('link', { name: 'the fact model' }).click();
    await page.waitForURL(/\/docs\/fact-model$/);
    assert.match(await page.locator('h1').textContent(), /^The fact model/);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= viewport.width, `the fact model is ${width}px wide`);
    await screenshot(page, `docs-fact-model-${name}`, { fullPage: false });
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('runs a query typed into the editor and shows its value in the table', async () => {
  const { context, page, problems } = await openPage(browser);
  await page.goto(BASE_URL + '/query');
  // CodeMirror replaced the textarea: the highlighting script and the SPARQL mode loaded.
  await page.locator('.CodeMirror').waitFor();
  assert.ok(await page.locator('.CodeMirror .cm-keyword').count() > 0, 'SPARQL keywords are highlighted');
  const query = 'SELECT ?x WHERE { BIND("hallo" AS ?x) }';
  await page.evaluate((text) => document.querySelector('.CodeMirror').CodeMirror.setValue(text), query);
  await page.getByRole('button', { name: 'Run query' }).click();
  const table = page.locator('#results table');
  await table.waitFor();
  assert.deepEqual(await table.locator('thead th').allTextContents(), ['#', '?x']);
  assert.equal(await table.locator('tbody td').nth(1).textContent(), 'hallo');
  assert.match(await page.locator('#query-status').textContent(), /^1 result in /);
  // The URL carries the query, so the result can be shared.
  assert.equal(new URL(page.url()).searchParams.get('query'), query);
  // The download links re-run the query in the chosen format.
  const csv = await page.locator('#downloads a[data-format="csv"]').getAttribute('href');
  const response = await fetch(BASE_URL + csv);
  assert.equal(response.headers.get('content-type'), 'text/csv');
  assert.equal(await response.text(), 'x\r\nhallo\r\n');
  const json = await page.locator('#downloads a[data-format="json"]').getAttribute('href');
  assert.equal((await (await fetch(BASE_URL + json)).json()).results.bindings[0].x.value, 'hallo');
  await screenshot(page, 'editor');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a shared link runs its query on open and links IRIs of the dataset to local pages', async () => {
  const { context, page, problems } = await openPage(browser);
  const query = 'SELECT ?sentence ?position WHERE { ?sentence a fg:Sentence ; fg:position ?position } ORDER BY ?position LIMIT 3';
  await page.goto(BASE_URL + '/query?query=' + encodeURIComponent(query));
  const firstLink = page.locator('#results tbody tr').first().locator('a');
  await firstLink.waitFor();
  assert.equal(await firstLink.getAttribute('href'), '/id/article/s1');
  assert.equal(await firstLink.textContent(), 'id:article/s1');
  assert.equal(await page.locator('#results tbody tr').count(), 3);
  await screenshot(page, 'editor-shared');
  // Running another query adds a history entry; Back brings the first one and its results back.
  await page.evaluate(() => document.querySelector('.CodeMirror').CodeMirror.setValue('ASK { ?s a fg:Fact }'));
  await page.getByRole('button', { name: 'Run query' }).click();
  await page.locator('#results .boolean').waitFor();
  assert.equal(await page.locator('#results .boolean').textContent(), 'ASK: true');
  await page.goBack();
  await page.locator('#results tbody tr').first().waitFor();
  assert.equal(await page.evaluate(() => document.querySelector('.CodeMirror').CodeMirror.getValue()), query);
  assert.equal(await page.locator('#results tbody tr').count(), 3);
  await context.close();
  assert.deepEqual(problems, []);
});

for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) test(`${name}: a syntax error is said in plain words, its line and column marked`, async () => {
  const { context, page } = await openPage(browser, viewport);
  await page.goto(BASE_URL + '/query');
  await page.locator('.CodeMirror').waitFor();
  await page.evaluate(() => document.querySelector('.CodeMirror').CodeMirror.setValue('SELECT ?x WHERE {\n  ?x ?y\n}'));
  // Tab leaves the editor for the Run button: no keyboard trap.
  await page.locator('.CodeMirror textarea').focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Run query');
  await page.locator('.CodeMirror textarea').focus();
  await page.keyboard.press('Control+Enter');
  const alert = page.getByRole('alert');
  await alert.waitFor();
  const text = await alert.textContent();
  assert.match(text, /^Line 3, column 2: The part before “}” is not complete: a triple pattern needs a subject, a predicate and an object\./);
  assert.ok(!(await alert.locator('p').first().textContent()).includes('expected'), 'no parser jargon in the sentence');
  assert.equal(await page.locator('.cm-error-position').textContent(), '}', 'the offending character is marked');
  assert.equal(await page.locator('.CodeMirror .cm-error-line').count(), 1, 'its line is marked');
  assert.equal(await alert.locator('pre.error-line mark').textContent(), '}');
  // The parser's own words stay available, behind a toggle.
  const own = alert.locator('details');
  assert.ok(await own.locator('pre').isHidden());
  await own.locator('summary').click();
  assert.match(await own.locator('pre').textContent(), /^SPARQL syntax error: error at 3:2: expected /);
  assert.ok(await page.locator('#results').isHidden());
  await screenshot(page, `editor-error-${name}`);
  // Other mistakes get their own words.
  for (const [query, words] of [
    ['SELECT * WHERE { ?s ?p ?o ', /^Line 1, column 27: The query ends too early/],
    ['SELEC * WHERE { ?s ?p ?o }', /^Line 1, column 10: The query must start with SELECT, CONSTRUCT, ASK or DESCRIBE/],
    ['SELECT * WHERE { ?s foo:bar ?o }', /^Line 1, column 28: The prefix foo: is not declared/],
    ['SELECT * WHERE { ?s ?p "abc }', /^Line 1, column 30: A text in quotes is not closed/],
  ]) {
    await page.evaluate((q) => document.querySelector('.CodeMirror').CodeMirror.setValue(q), query);
    await page.getByRole('button', { name: 'Run query' }).click();
    await page.waitForFunction((q) => document.querySelector('#query-error p')?.textContent.startsWith('Line') &&
      history.state?.query === q, query);
    assert.match(await alert.locator('p').first().textContent(), words, query);
  }
  await context.close();
});

test('a browser asking /sparql with no query gets the editor; a CONSTRUCT shows Turtle', async () => {
  const { context, page, problems } = await openPage(browser, PHONE);
  await page.goto(BASE_URL + '/sparql');
  assert.equal(await page.title(), 'SPARQL query editor · factgraph');
  await page.getByRole('link', { name: 'One fact as a graph (CONSTRUCT)' }).click();
  await page.locator('#results pre').waitFor();
  assert.match(await page.locator('#results pre').textContent(), /a fg:Fact/);
  assert.deepEqual(await page.locator('#downloads a').allTextContents(), ['Turtle', 'N-Triples', 'JSON-LD']);
  // A table of six columns stacks each row into "?name value" lines on a phone.
  await page.getByRole('link', { name: 'Quantities with unit and time' }).click();
  await page.locator('#results table').waitFor();
  const cell = page.locator('#results tbody tr').first().locator('td[data-label="?value"]');
  assert.equal(await cell.evaluate((td) => getComputedStyle(td).display), 'block');
  assert.equal(await cell.evaluate((td) => getComputedStyle(td, '::before').content), '"?value"');
  assert.equal(await page.locator('#results table').getAttribute('role'), 'table');
  // The editor grows with a long query: nothing of it is cut off or scrolls inside the box.
  const clipped = await page.locator('.CodeMirror').evaluate((cm) => cm.querySelector('.CodeMirror-sizer').offsetHeight - cm.clientHeight);
  assert.ok(clipped <= 0, `${clipped}px of the query are cut off`);
  await screenshot(page, 'editor-phone-table');
  // Nothing is wider than a phone's screen.
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `page is ${width}px wide on a ${PHONE.width}px screen`);
  await screenshot(page, 'editor-phone');
  assert.deepEqual(problems, []);
  await context.close();
});
