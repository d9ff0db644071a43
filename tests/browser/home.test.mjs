// The home page in a real browser, end to end against the real service: figures that agree
// with VoID, the question builder (keyboard only, both languages, the plant, the solar roof and
// the rail line), answer cards that say it once, refusals with answerable suggestions, shared
// links and the examples. Every test runs at 1280 and at 375 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, DESKTOP, PHONE, domProblems, launch, openPage, screenshot } from './helpers.mjs';

const BASE = 'https://w3id.org/factgraph/';
const VIEWPORTS = [['desktop', DESKTOP], ['phone', PHONE]];

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function fitsWidth(page, viewport) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= viewport.width, `page is ${width}px wide on a ${viewport.width}px screen`);
}

// The answer card once /ask has answered `question` (typed into the box and submitted).
async function askInBox(page, question) {
  await page.getByLabel('Your question, in Dutch or English').fill(question);
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/ask');
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  const body = await (await answered).json();
  const card = page.locator('#answer .card');
  await card.waitFor();
  return { card, body };
}

// The text a reader sees on the card with Details closed.
async function visibleText(card) {
  return card.evaluate((node) => {
    const copy = node.cloneNode(true);
    copy.querySelectorAll('details').forEach((d) => d.remove());
    return copy.textContent;
  });
}

// VoID's own numbers, read from its N-Triples: void:triples, void:entities and the entities of
// the class partitions of fg:Fact and fg:Sentence.
async function voidFigures() {
  const text = await (await fetch(BASE_URL + '/.well-known/void', { headers: { Accept: 'application/n-triples' } })).text();
  const number = (line) => Number(/"(\d+)"/.exec(line)[1]);
  const dataset = text.split('\n').filter((l) => l.startsWith('<' + BASE + '> '));
  const triples = number(dataset.find((l) => l.includes('void#triples>')));
  const entities = number(dataset.find((l) => l.includes('void#entities>')));
  const partition = (cls) => {
    const node = /^(_:\S+) /.exec(text.split('\n').find((l) => l.includes('void#class> <' + BASE + 'def/' + cls + '>')))[1];
    return number(text.split('\n').find((l) => l.startsWith(node + ' ') && l.includes('void#entities>')));
  };
  return { triples, entities, facts: partition('Fact'), sentences: partition('Sentence') };
}

for (const [name, viewport] of VIEWPORTS) {
  test(`${name}: the figures are VoID's numbers under VoID's names`, async () => {
    const { context, page, problems } = await openPage(browser, viewport);
    await page.goto(BASE_URL + '/');
    const shown = Object.fromEntries(await page.locator('.figures div').evaluateAll((divs) =>
      divs.map((d) => [d.querySelector('dt').textContent, Number(d.querySelector('dd').textContent.replace(/\D/g, ''))])));
    assert.deepEqual(shown, await voidFigures());
    assert.deepEqual(await page.locator('.figures .figure-term').allTextContents(),
      ['void:triples', 'void:entities', 'fg:Fact instances', 'fg:Sentence instances']);
    await fitsWidth(page, viewport);
    await screenshot(page, `home-start-${name}`, { fullPage: false });
    assert.deepEqual(problems, []);
    await context.close();
  });
}

// The builder with the keyboard alone: type a name, Tab into the things, pick with Space, Tab
// into the questions, pick with the arrows, Enter asks.
for (const [name, viewport] of VIEWPORTS) {
  test(`${name}: the question builder works with the keyboard alone and asks a question it offers`, async () => {
    const { context, page, problems } = await openPage(browser, viewport);
    await page.goto(BASE_URL + '/');
    const builder = page.locator('#builder');
    await builder.waitFor();
    // Labelled controls a screen reader announces.
    assert.equal(await page.getByRole('group', { name: 'Language of the question' }).count(), 1);
    assert.equal(await page.getByRole('group', { name: 'Things' }).count(), 1);
    const filter = page.getByLabel('1. Find a thing by name, in Dutch or English');
    await filter.focus();
    // A Dutch name finds the thing; the list shows its English name (the page's language).
    await page.keyboard.type('spoorlijn');
    await page.waitForFunction(() => document.querySelectorAll('#thing-list input').length === 1);
    assert.match(await page.locator('#thing-count').textContent(), /^1 thing matches/);
    assert.equal(await page.locator('#thing-count').getAttribute('aria-live'), 'polite');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.name), 'thing');
    await page.keyboard.press('Space');
    const questions = page.getByRole('group', { name: /^2\. Choose a question about green freight line from Hungary$/ });
    await questions.waitFor();
    assert.match(await page.locator('#question-status').textContent(), /^\d+ questions about green freight line from Hungary\.$/);
    const offered = await page.locator('#question-list label').evaluateAll((labels) => labels.map((l) => l.firstChild.textContent));
    assert.ok(offered.includes('What is the length of the green freight line from Hungary?'), offered.join(' | '));
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.name), 'question');
    // The arrows move to a question and pick it: the box holds it at once.
    await page.keyboard.press('ArrowDown');
    const chosen = await page.evaluate(() => document.activeElement.value);
    assert.equal(await page.locator('#q').inputValue(), chosen);
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/ask');
    await page.keyboard.press('Enter');
    const body = await (await answered).json();
    assert.equal(body.answered, true, JSON.stringify(body));
    await page.locator('#answer .card').waitFor();
    assert.equal(await page.locator('#answer .card').getAttribute('class'), 'card');
    assert.equal(new URL(page.url()).searchParams.get('q'), chosen);
    await fitsWidth(page, viewport);
    await screenshot(page, `home-builder-${name}`);
    assert.deepEqual(await domProblems(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

// Issue 17's bar: with only the builder, questions about the plant, the solar roof and the rail
// line get answers in both languages. Every question offered for them is asked and answered.
for (const [lang, label, viewport] of [['en', 'English', DESKTOP], ['nl', 'Nederlands', PHONE]]) {
  test(`the builder in ${label} offers only questions that get answers about the plant, the solar roof and the rail line`, async () => {
    const { context, page, problems } = await openPage(browser, viewport);
    await page.goto(BASE_URL + '/');
    await page.locator('#builder').waitFor();
    await page.getByRole('radio', { name: label }).check();
    let asked = 0;
    for (const search of ['Audi Brussels', 'zonnedak', 'vrachtlijn']) {
      await page.locator('#thing-filter').fill(search);
      const thing = await page.locator('#thing-list label').first().evaluate((l) => l.firstChild.textContent);
      await page.locator('#thing-list input').first().check();
      // The questions of this thing, not those of the one before.
      await page.waitForFunction((legend) => document.getElementById('question-legend').textContent === legend &&
        /^\d+ /.test(document.getElementById('question-status').textContent), '2. Choose a question about ' + thing);
      const count = await page.locator('#question-list input').count();
      assert.ok(count >= 3, `${search}: ${count} questions`);
      for (let i = 0; i < count; i++) {
        await page.locator('#question-list input').nth(i).check();
        const question = await page.locator('#q').inputValue();
        assert.equal(await page.locator('#question-list label').nth(i).getAttribute('lang'), lang);
        const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/ask');
        await page.getByRole('button', { name: 'Ask this question' }).click();
        const body = await (await answered).json();
        assert.equal(body.answered, true, `${question}: ${body.answer}`);
        assert.equal(body.lang, lang, question);
        await page.locator('#answer .card:not(.unanswered)').waitFor();
        asked++;
      }
      if (search === 'zonnedak') await screenshot(page, `home-builder-${lang}-solar`);
    }
    console.log(`builder ${lang}: ${asked} questions asked, all answered`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

for (const [name, viewport] of VIEWPORTS) {
  test(`${name}: an English answer says it once: value with unit and "about", the English fact above the Dutch sentence`, async () => {
    const { context, page, problems } = await openPage(browser, viewport);
    await page.goto(BASE_URL + '/');
    const { card, body } = await askInBox(page, 'How much CO2 does the rail line save per year?');
    assert.equal(body.answered, true);
    assert.equal(await card.getAttribute('lang'), 'en');
    assert.equal(await card.locator('.answer-value').textContent(), 'about 2,600 t');
    // The value once: not again as a chip, nor marked apart in the sentence.
    assert.equal((await visibleText(card)).split('2,600').length - 1, 2, 'the value and the English statement');
    const statement = card.locator('p.statement');
    assert.equal(await statement.textContent(), 'The green freight line saves about 2,600 tonnes of CO2 per year.');
    const quote = card.locator('blockquote');
    assert.equal(await quote.getAttribute('lang'), 'nl');
    assert.equal(await quote.textContent(), 'Deze groene vrachtlijn (1.300 km) zorgt jaarlijks voor een CO2-besparing van circa 2.600 ton.');
    assert.equal(await quote.locator('mark').textContent(), body.evidence[0]);
    assert.ok(await statement.evaluate((s, q) => Boolean(s.compareDocumentPosition(q) & Node.DOCUMENT_POSITION_FOLLOWING), await quote.elementHandle()));
    assert.match(await card.locator('figcaption').textContent(), /^Source \(in Dutch\): sentence 17 of the article$/);
    // One fact link with the one label; no template id or confidence until Details opens.
    assert.deepEqual(await card.locator('a.fact-link').allTextContents(), ['View fact']);
    assert.equal(await card.locator('a.fact-link').getAttribute('href'), '/id/fact/rail-line-co2-saving');
    const seen = await visibleText(card);
    assert.ok(!seen.includes(body.template) && !/confidence|%/i.test(seen), seen);
    const details = card.locator('details.details');
    assert.ok(await details.locator('pre').isHidden());
    await details.locator('summary').click();
    assert.match(await details.textContent(), new RegExp('Template' + body.template + 'Confidence\\d+%'));
    assert.equal(await details.locator('pre').textContent(), body.sparql);
    const editor = await details.getByRole('link', { name: 'Open this query in the SPARQL editor' }).getAttribute('href');
    assert.equal(new URL(editor, BASE_URL).searchParams.get('query'), body.sparql);
    await fitsWidth(page, viewport);
    await screenshot(page, `home-answer-en-${name}`);
    assert.deepEqual(await domProblems(page), []);
    // The fact link opens the fact's page.
    await card.locator('a.fact-link').click();
    await page.waitForURL(/\/id\/fact\/rail-line-co2-saving$/);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

for (const [name, viewport] of VIEWPORTS) {
  test(`${name}: a yes/no comparison says Ja without "about" and shows both facts and the comparison`, async () => {
    const { context, page, problems } = await openPage(browser, viewport);
    await page.goto(BASE_URL + '/?q=' + encodeURIComponent('Bespaart de spoorlijn meer CO2 dan de zonnepanelen?'));
    const card = page.locator('#answer .card');
    await card.waitFor();
    assert.equal(await card.locator('.answer-value').textContent(), 'Ja');
    assert.equal(await card.locator('.answer-value .value-hedge').count(), 0);
    const steps = card.locator('.working ol.steps > li');
    assert.equal(await steps.count(), 2);
    assert.equal(await steps.nth(0).locator('.statement').textContent(), 'De groene vrachtlijn bespaart jaarlijks circa 2.600 ton CO2.');
    // The hedge belongs to the fact that has it.
    assert.equal(await steps.nth(0).locator('.step-value').textContent(), 'ongeveer 2.600 t');
    assert.equal(await steps.nth(1).locator('.step-value').textContent(), '1.881 t');
    assert.equal(await card.locator('.arithmetic').textContent(), '2.600 > 1.881 → Ja');
    // Each fact with its own sentence, its evidence marked, and the one link label.
    assert.equal(await steps.nth(1).locator('blockquote mark').textContent(), 'wordt de CO2-uitstoot met 1.881 ton verminderd');
    assert.deepEqual(await card.locator('a.fact-link').allTextContents(), ['Bekijk het feit', 'Bekijk het feit']);
    assert.match(await card.locator('a.fact-link').first().getAttribute('aria-label'), /^Bekijk het feit: De groene vrachtlijn/);
    await fitsWidth(page, viewport);
    await screenshot(page, `home-answer-comparison-${name}`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('a computed sum shows its facts and the arithmetic', async () => {
  const { context, page, problems } = await openPage(browser);
  await page.goto(BASE_URL + '/?q=' + encodeURIComponent('Hoeveel ton CO2 besparen de spoorlijn en het zonnedak samen?'));
  const card = page.locator('#answer .card');
  await card.waitFor();
  assert.equal(await card.locator('.answer-value').textContent(), 'ongeveer 4.481 t');
  assert.equal(await card.locator('.working h4').textContent(), 'Zo is het berekend');
  assert.equal(await card.locator('.working ol.steps > li').count(), 2);
  assert.match(await card.locator('.arithmetic').textContent(), /^(1\.881 \+ 2\.600|2\.600 \+ 1\.881) = 4\.481 t$/);
  await screenshot(page, 'home-answer-sum-desktop');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a number of years shows the years it is computed from', async () => {
  const { context, page, problems } = await openPage(browser, PHONE);
  await page.goto(BASE_URL + '/?q=' + encodeURIComponent('How many years has Audi owned the plant?'));
  const card = page.locator('#answer .card');
  await card.waitFor();
  assert.equal(await card.locator('.answer-value').textContent(), '15 years');
  assert.equal(await card.locator('.arithmetic').textContent(), '2022 − 2007 = 15 years');
  assert.equal(await card.locator('.working .statement').textContent(), 'Audi has owned the Brussels plant since 2007.');
  await screenshot(page, 'home-answer-years-phone');
  assert.deepEqual(problems, []);
  await context.close();
});

for (const [name, viewport] of VIEWPORTS) {
  test(`${name}: a refusal says what the graph lacks and offers questions it answers`, async () => {
    const { context, page, problems } = await openPage(browser, viewport);
    await page.goto(BASE_URL + '/?q=' + encodeURIComponent('What is the colour of the sky?'));
    const card = page.locator('#answer .card.unanswered');
    await card.waitFor();
    assert.equal(await card.locator('h3').textContent(), 'No answer');
    assert.match(await card.locator('.refusal').textContent(), /says nothing about “colour”/);
    const suggestions = card.locator('.suggestions a');
    assert.ok(await suggestions.count() > 0);
    await fitsWidth(page, viewport);
    await screenshot(page, `home-refusal-${name}`);
    // A suggestion is answered, and Back returns to the refused question.
    await suggestions.first().click();
    await page.locator('#answer .card:not(.unanswered)').waitFor();
    await page.goBack();
    await page.locator('#answer .card.unanswered').waitFor();
    assert.equal(await page.locator('#q').inputValue(), 'What is the colour of the sky?');
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('a time answer, a shared link, and the examples (all questions)', async () => {
  const { context, page, problems } = await openPage(browser);
  const question = 'Sinds wanneer is Audi eigenaar van de fabriek in Brussel?';
  await page.goto(BASE_URL + '/?q=' + encodeURIComponent(question));
  const card = page.locator('#answer .card');
  await card.waitFor();
  assert.equal(await card.locator('.answer-value').textContent(), '2007');
  assert.equal(await page.locator('#q').inputValue(), question);
  await page.locator('#examples').waitFor();
  const examples = await page.locator('#example-list a').allTextContents();
  assert.ok(examples.length > 10);
  for (const example of examples) assert.match(example, /\?$/, `an example that is not a question: ${example}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('an order answer shows each event with its time; a ratio names its unit; each fact is quoted from its own sentence', async () => {
  const { context, page, problems } = await openPage(browser);
  await page.goto(BASE_URL + '/?q=' + encodeURIComponent('Which came first: the switch to green power or the start of e-tron production?'));
  let card = page.locator('#answer .card');
  await card.waitFor();
  const values = await card.locator('.working .step-value').allTextContents();
  assert.ok(values.length === 2 && values.every((v) => /^(\d{4}|[A-Z][a-z]+ \d{4})$/.test(v)), values.join(' | '));
  // Every quoted sentence holds the evidence it marks.
  for (const quote of await card.locator('blockquote').all()) {
    assert.equal(await quote.locator('mark').count(), 1, await quote.textContent());
  }
  await screenshot(page, 'home-answer-order-desktop');
  await page.goto(BASE_URL + '/?q=' + encodeURIComponent('Hoeveel ton CO2 bespaart de groene vrachtlijn per kilometer?'));
  card = page.locator('#answer .card');
  await card.waitFor();
  assert.equal(await card.locator('.answer-value').textContent(), 'ongeveer 2 ton/km');
  assert.equal(await card.locator('.arithmetic').textContent(), '2.600 ÷ 1.300 = 2 ton/km');
  await screenshot(page, 'home-answer-ratio-desktop');
  assert.deepEqual(problems, []);
  await context.close();
});
