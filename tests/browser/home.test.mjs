// The home page in a real browser: figures, the question box, the answer card, shared links.
//
// The answer card is tested twice: against answers shaped like the /ask contract (issue 4),
// served to the page by Playwright, so the rendering is checked on any build; and end to end
// against the real /ask, which runs only once the server has that route.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, PHONE, domProblems, hasRoute, launch, openPage, screenshot } from './helpers.mjs';

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

// An approximate quantity with a unit, from a sentence with two numbers, with evidence.
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
  sources: [{ sentence: RAIL_SENTENCE, evidence: RAIL_EVIDENCE, iri: BASE + 'id/article/s17', document: BASE + 'id/article' }],
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

// Serves contract-shaped answers instead of the server's /ask and /questions.
async function fakeQuestionService(page) {
  const asked = [];
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
let askExists = false;
before(async () => {
  browser = await launch();
  askExists = await hasRoute('/ask?q=x');
});
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
  // The fact is looked up in the graph from the sentence and the value.
  const fact = card.getByRole('link', { name: 'The fact' });
  await fact.waitFor();
  assert.equal(await fact.getAttribute('href'), '/id/fact/plant-electric-vehicles-2021');
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
  const fact = card.getByRole('link', { name: 'The fact' });
  await fact.waitFor();
  assert.equal(await fact.getAttribute('href'), '/id/fact/rail-line-co2-saving');
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

// End to end through the real /ask. The lead removes the skip once `qa` is merged: until then
// the route does not exist and there is nothing to test against.
test('asking the real /ask shows 43.866 and its source sentence', async (t) => {
  if (!askExists) {
    const note = 'SKIPPED: this server has no /ask route (GET /ask?q=x answered 404); the end-to-end question test runs once the qa branch is merged';
    console.error('\n' + '!'.repeat(100) + '\n!!! ' + note + '\n' + '!'.repeat(100) + '\n');
    t.skip(note);
    return;
  }
  const { context, page, problems } = await openPage(browser);
  await page.goto(BASE_URL + '/');
  await page.getByLabel('Your question, in Dutch or English').fill(QUESTION);
  await page.getByRole('button', { name: 'Ask' }).click();
  const card = page.locator('#answer .card');
  await card.waitFor();
  await screenshot(page, 'home');
  assert.ok(!(await card.getAttribute('class')).includes('unanswered'), await card.textContent());
  assert.match(await card.locator('.value-number').first().textContent(), /^43\.866$/);
  assert.ok((await card.locator('blockquote').allTextContents()).includes(SENTENCE));
  assert.equal(await card.locator('blockquote mark').first().textContent(), '43.866');
  assert.deepEqual(problems, []);
  await context.close();
});
