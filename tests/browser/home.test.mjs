// The home page in a real browser: figures, the question box, the answer card, shared links.
//
// The answer card is tested twice: against answers shaped like the /ask contract (issue 4),
// served to the page by Playwright, so every rendering case is checked; and end to end against
// the real /ask, which must answer (a missing route fails the test).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, PHONE, domProblems, launch, openPage, screenshot } from './helpers.mjs';

const QUESTION = 'Hoeveel elektrisch aangedreven Audi-modellen rolden in 2021 in Brussel van de band?';
const SENTENCE = 'Alleen al in 2021 rolden in Brussel 43.866 elektrisch aangedreven Audi-modellen van de band.';
const BASE = 'https://w3id.org/factgraph/';

// An answer as the contract of issue 4 describes it.
const ANSWER = {
  question: QUESTION,
  lang: 'nl',
  answered: true,
  answer: 'In 2021 rolden in Brussel 43.866 elektrisch aangedreven Audi-modellen van de band.',
  values: [{ value: '43866', datatype: 'http://www.w3.org/2001/XMLSchema#integer', unit: null, iri: null, label: null, approximate: false }],
  template: 'quantity-in-year',
  sparql: 'SELECT ?value WHERE { ?fact rdf:object ?value ; fg:pointInTime "2021"^^xsd:gYear }',
  sources: [{ sentence: SENTENCE, iri: BASE + 'id/article/s21', document: BASE + 'id/article' }],
  confidence: 0.93,
  suggestions: [],
};

// An approximate quantity with a unit, from a sentence with two numbers, with the fact and its
// evidence named the way /ask names them (`facts`, `evidence`).
const RAIL_QUESTION = 'How much CO2 does the rail line save per year?';
const RAIL_SENTENCE = 'Deze groene vrachtlijn (1.300 km) zorgt jaarlijks voor een CO2-besparing van circa 2.600 ton.';
const RAIL_EVIDENCE = 'zorgt jaarlijks voor een CO2-besparing van circa 2.600 ton';
const RAIL = {
  question: RAIL_QUESTION,
  lang: 'en',
  answered: true,
  answer: 'The rail line saves about 2,600 tonnes of CO2 a year.',
  values: [{ value: '2600', datatype: 'http://www.w3.org/2001/XMLSchema#integer', unit: 'http://qudt.org/vocab/unit/TONNE', iri: null, label: null, approximate: true }],
  template: 'quantity',
  sparql: 'SELECT ?value WHERE { ?fact rdf:predicate fg:co2Saving ; rdf:object ?value }',
  sources: [{ sentence: RAIL_SENTENCE, iri: BASE + 'id/article/s17', document: BASE + 'id/article' }],
  facts: [BASE + 'id/fact/rail-line-co2-saving'],
  evidence: [RAIL_EVIDENCE],
  confidence: 0.8,
  suggestions: [],
};

const UNANSWERED = {
  question: 'Wat is de kleur van de lucht?',
  lang: 'nl',
  answered: false,
  answer: null,
  values: [],
  template: null,
  sparql: null,
  sources: [],
  confidence: 0,
  suggestions: [QUESTION, 'How many people work at the plant?'],
};

const QUESTIONS = {
  templates: [{
    id: 'quantity-in-year',
    description: { nl: 'Een hoeveelheid in een jaar', en: 'A quantity in a year' },
    examples: { nl: [QUESTION], en: ['How many electric Audis were built in Brussels in 2021?'] },
  }],
};

// Serves contract-shaped answers instead of the server's /ask and /questions, and counts the
// SPARQL requests the page makes (the fact look-up is only for answers without `facts`).
const sparqlRequests = new WeakMap();
async function fakeQuestionService(page) {
  const asked = [];
  sparqlRequests.set(page, 0);
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/sparql') sparqlRequests.set(page, sparqlRequests.get(page) + 1);
  });
  await page.route((url) => url.pathname === '/ask', async (route) => {
    const q = new URL(route.request().url()).searchParams.get('q');
    asked.push(q);
    const body = q === QUESTION ? ANSWER : q === RAIL_QUESTION ? RAIL : { ...UNANSWERED, question: q };
    await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
  });
  await page.route((url) => url.pathname === '/questions', (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(QUESTIONS) }));
  return asked;
}

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the home page shows the dataset figures and a labelled question box', async () => {
  const { context, page, problems } = await openPage(browser);
  await page.goto(BASE_URL + '/');
  const figures = Object.fromEntries(await page.locator('.figures div').evaluateAll((divs) =>
    divs.map((d) => [d.querySelector('dt').textContent, Number(d.querySelector('dd').textContent.replace(/\D/g, ''))])));
  assert.equal(figures.sentences, 22);
  assert.ok(figures.facts > 0 && figures.entities > 0 && figures.triples > figures.facts, JSON.stringify(figures));
  const box = page.getByLabel('Your question, in Dutch or English');
  assert.equal(await box.getAttribute('id'), 'q');
  assert.equal(await page.locator('#answer').getAttribute('aria-live'), 'polite');
  await screenshot(page, 'home-start');
  assert.deepEqual(problems, []);
  await context.close();
});

test('answer card: value, highlighted source, links, SPARQL toggle, shareable URL', async () => {
  const { context, page, problems } = await openPage(browser);
  const asked = await fakeQuestionService(page);
  await page.goto(BASE_URL + '/');
  await page.getByLabel('Your question, in Dutch or English').fill(QUESTION);
  await page.keyboard.press('Enter');
  const card = page.locator('#answer .card');
  await card.waitFor();
  assert.deepEqual(asked, [QUESTION]);
  assert.equal(await card.locator('.value-number').textContent(), '43.866');
  assert.equal(await card.locator('blockquote').textContent(), SENTENCE);
  assert.equal(await card.locator('blockquote mark').textContent(), '43.866');
  assert.equal(await card.locator('figcaption a', { hasText: 'the sentence' }).getAttribute('href'), '/id/article/s21');
  assert.equal(await card.locator('figcaption a', { hasText: 'the article' }).getAttribute('href'), '/id/article');
  // This answer does not name its fact: it is looked up in the graph from the sentence and the value.
  const fact = card.getByRole('link', { name: 'The fact' });
  await fact.waitFor();
  assert.equal(await fact.getAttribute('href'), '/id/fact/plant-electric-vehicles-2021');
  assert.equal(sparqlRequests.get(page), 1);
  // The SPARQL is behind a toggle and opens in the editor.
  const sparql = card.locator('details.sparql');
  assert.ok(await sparql.locator('pre').isHidden());
  await sparql.locator('summary').click();
  assert.equal(await sparql.locator('pre').textContent(), ANSWER.sparql);
  const editorLink = await sparql.getByRole('link', { name: 'Open this query in the SPARQL editor' }).getAttribute('href');
  assert.equal(new URL(editorLink, BASE_URL).searchParams.get('query'), ANSWER.sparql);
  // The URL carries the question; opening it shows the answer again.
  assert.equal(new URL(page.url()).searchParams.get('q'), QUESTION);
  await screenshot(page, 'home-answer');
  assert.deepEqual(await domProblems(page), [], 'the page with its answer card is valid HTML');
  await page.reload();
  await page.locator('#answer .card .value-number').waitFor();
  assert.equal(await page.locator('#q').inputValue(), QUESTION);
  assert.deepEqual(asked, [QUESTION, QUESTION]);
  assert.deepEqual(problems, []);
  await context.close();
});

test('an approximate quantity shows its unit, and the value is marked inside the evidence', async () => {
  const { context, page, problems } = await openPage(browser);
  await fakeQuestionService(page);
  await page.goto(BASE_URL + '/?q=' + encodeURIComponent(RAIL_QUESTION));
  const card = page.locator('#answer .card');
  await card.waitFor();
  assert.equal(await card.locator('.answer-text').getAttribute('lang'), 'en');
  assert.equal(await card.locator('.values li').textContent(), '≈ about 2,600 t');
  assert.equal(await card.locator('.values li .visually-hidden').textContent(), 'about ');
  assert.equal(await card.locator('.value-unit').textContent(), 't');
  // The second number of the sentence is the answer, not the first.
  assert.equal(await card.locator('blockquote mark').textContent(), '2.600');
  assert.equal(await card.locator('blockquote .evidence').textContent(), RAIL_EVIDENCE);
  assert.equal(await card.locator('blockquote').textContent(), RAIL_SENTENCE);
  // The answer names its fact (`facts[0]`): linked at once, no look-up.
  const fact = card.getByRole('link', { name: 'The fact' });
  assert.equal(await fact.getAttribute('href'), '/id/fact/rail-line-co2-saving');
  assert.equal(sparqlRequests.get(page), 0);
  await screenshot(page, 'home-answer-unit');
  assert.deepEqual(problems, []);
  await context.close();
});

test('examples from /questions and suggestions of an unanswered question are clickable', async () => {
  const { context, page, problems } = await openPage(browser, PHONE);
  const asked = await fakeQuestionService(page);
  await page.goto(BASE_URL + '/?q=' + encodeURIComponent('Wat is de kleur van de lucht?'));
  const card = page.locator('#answer .card.unanswered');
  await card.waitFor();
  const suggestions = await card.locator('.suggestions a').allTextContents();
  assert.deepEqual(suggestions, UNANSWERED.suggestions);
  await page.locator('#examples').waitFor();
  assert.deepEqual(await page.locator('#example-list a').allTextContents(), [QUESTIONS.templates[0].examples.nl[0], QUESTIONS.templates[0].examples.en[0]]);
  assert.equal(await page.locator('#example-list a').nth(1).getAttribute('lang'), 'en');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `page is ${width}px wide on a ${PHONE.width}px screen`);
  await screenshot(page, 'home-phone-unanswered');
  assert.deepEqual(await domProblems(page), [], 'the page with suggestions and examples is valid HTML');
  // A suggestion asks its question, and Back returns to the question before.
  await card.locator('.suggestions a').first().click();
  await page.locator('#answer .card .value-number').waitFor();
  assert.equal(new URL(page.url()).searchParams.get('q'), QUESTION);
  await page.goBack();
  await page.locator('#answer .card.unanswered').waitFor();
  assert.equal(await page.locator('#q').inputValue(), 'Wat is de kleur van de lucht?');
  await screenshot(page, 'home-phone');
  assert.deepEqual(asked, ['Wat is de kleur van de lucht?', QUESTION, 'Wat is de kleur van de lucht?']);
  assert.deepEqual(problems, []);
  await context.close();
});

// End to end through the real /ask: the route must exist and answer.
test('asking the real /ask shows 43.866, its source sentence with the evidence, and the fact', async () => {
  const { context, page, problems } = await openPage(browser);
  await page.goto(BASE_URL + '/');
  await page.getByLabel('Your question, in Dutch or English').fill(QUESTION);
  const answered = page.waitForResponse((response) => new URL(response.url()).pathname === '/ask');
  await page.getByRole('button', { name: 'Ask' }).click();
  const response = await answered;
  assert.equal(response.status(), 200, 'GET /ask answered ' + response.status());
  const body = await response.json();
  assert.equal(body.answered, true, JSON.stringify(body));
  assert.ok(Array.isArray(body.facts) && body.facts.length > 0, 'the answer names its facts');
  const card = page.locator('#answer .card');
  await card.waitFor();
  await screenshot(page, 'home');
  assert.equal(await card.getAttribute('class'), 'card', await card.textContent());
  assert.match(await card.locator('.value-number').first().textContent(), /^43\.866$/);
  assert.ok((await card.locator('blockquote').allTextContents()).includes(SENTENCE));
  assert.equal(await card.locator('blockquote mark').first().textContent(), '43.866');
  // The value sits inside the marked-up evidence the answer carries.
  assert.ok(body.evidence.includes(await card.locator('blockquote .evidence').textContent()));
  const fact = card.getByRole('link', { name: 'The fact' });
  assert.equal(await fact.getAttribute('href'), '/' + body.facts[0].slice(BASE.length));
  await fact.click();
  await page.waitForURL(/\/id\/fact\//);
  assert.ok(await page.locator('.statement blockquote mark').count() > 0);
  assert.deepEqual(problems, []);
  await context.close();
});
