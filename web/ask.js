// The question box of the home page: asks GET /ask, shows the answer card (the value once, the
// fact in the reader's language, the Dutch sentence with its evidence marked, the working of a
// computed answer), runs the question builder (GET /questions/things, /questions/about), lists
// the example questions of GET /questions, and keeps the question in the URL (/?q=…) so an
// answer can be shared. Text from the service is only ever set as textContent.
'use strict';

(function () {
  const app = document.getElementById('ask-app');
  const form = document.getElementById('ask-form');
  const input = document.getElementById('q');
  const region = document.getElementById('answer');
  const examples = document.getElementById('examples');
  const exampleList = document.getElementById('example-list');
  if (!app || !form || !input || !region) return;
  const base = app.dataset.base || 'https://w3id.org/factgraph/';

  const UNITS = {
    'MegaW-HR': 'MWh', 'GigaW-HR': 'GWh', 'KiloW-HR': 'kWh', 'W-HR': 'Wh',
    'MegaW': 'MW', 'KiloW': 'kW', 'W': 'W', 'TONNE': 't', 'KiloTONNE': 'kt', 'KiloGM': 'kg',
    'M2': 'm²', 'M': 'm', 'KiloM': 'km', 'PERCENT': '%', 'HA': 'ha', 'EUR': '€',
    'MegaEUR': 'mln €', 'YR': 'years', 'DAY': 'days', 'NUM': '',
  };
  const NUMERIC = /#(integer|decimal|double|float|int|long|short|nonNegativeInteger|positiveInteger)$/;

  // One element with attributes and children (strings become text nodes, never HTML).
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  // IRIs under the dataset's base are served by this service: link to them here.
  function localHref(iri) {
    if (typeof iri !== 'string' || iri === '') return null;
    if (iri.startsWith(base)) return '/' + iri.slice(base.length);
    if (iri.startsWith('https://w3id.org/factgraph/')) return '/' + iri.slice('https://w3id.org/factgraph/'.length);
    return iri;
  }

  function shortName(iri) {
    const text = String(iri);
    return text.slice(Math.max(text.lastIndexOf('/'), text.lastIndexOf('#')) + 1) || text;
  }

  function unitLabel(unit) {
    if (!unit) return '';
    if (typeof unit === 'object') return unit.label || unitLabel(unit.iri);
    const name = shortName(unit);
    return Object.prototype.hasOwnProperty.call(UNITS, name) ? UNITS[name] : name;
  }

  function isNumeric(value) {
    return typeof value.datatype === 'string' ? NUMERIC.test(value.datatype) : /^-?\d+(\.\d+)?$/.test(String(value.value));
  }

  function formatValue(value, lang) {
    const raw = String(value.value);
    if (isNumeric(value) && raw.trim() !== '' && !Number.isNaN(Number(raw))) {
      return new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'nl-NL', { maximumFractionDigits: 10 }).format(Number(raw));
    }
    return raw;
  }

  // The sentence with the fact's evidence marked (the words the fact rests on, verbatim).
  function highlighted(sentence, evidence) {
    const at = typeof evidence === 'string' && evidence !== '' ? sentence.indexOf(evidence) : -1;
    if (at < 0) return [sentence];
    return [sentence.slice(0, at), el('mark', { class: 'evidence' }, evidence), sentence.slice(at + evidence.length)];
  }

  function questionLink(question, lang) {
    const link = el('a', { href: '/?q=' + encodeURIComponent(question), class: 'question-link', lang: lang || null }, question);
    link.addEventListener('click', (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      ask(question, { push: true, lang: lang || null });
    });
    return link;
  }

  // The words of the card in the reader's language (the language the question was read in).
  const WORDS = {
    en: { yes: 'Yes', no: 'No', about: 'about', source: 'Source', sentence: 'sentence', article: 'the article',
      dutch: 'in Dutch', steps: 'How it was worked out', fact: 'View fact', details: 'Details',
      template: 'Template', confidence: 'Confidence', query: 'The query', editor: 'Open this query in the SPARQL editor',
      none: 'No answer', can: 'Questions it can answer:', planned: 'planned' },
    nl: { yes: 'Ja', no: 'Nee', about: 'ongeveer', source: 'Bron', sentence: 'zin', article: 'het artikel',
      dutch: 'in het Nederlands', steps: 'Zo is het berekend', fact: 'Bekijk het feit', details: 'Details',
      template: 'Sjabloon', confidence: 'Zekerheid', query: 'De query', editor: 'Open deze query in de SPARQL-editor',
      none: 'Geen antwoord', can: 'Vragen die het wel kan beantwoorden:', planned: 'gepland' },
  };

  const MONTHS = /^(\d{4})-(\d{2})$/;

  // A value as a reader reads it: numbers grouped the reader's way, months by name, things by
  // their name in the reader's language.
  function valueText(value, lang) {
    const raw = String(value.value);
    if (/#boolean$/.test(value.datatype || '')) return raw === 'true' ? WORDS[lang].yes : WORDS[lang].no;
    // A time the article words vaguer than its value ("second half of 2023" for 2023-07)
    // comes with those words as its label.
    if (value.label && /#(gYear|gYearMonth|date)$/.test(value.datatype || '')) return value.label;
    const month = MONTHS.exec(raw);
    if (month && /#gYearMonth$/.test(value.datatype || '')) {
      return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'nl-NL', { month: 'long', year: 'numeric', timeZone: 'UTC' })
        .format(new Date(Date.UTC(Number(month[1]), Number(month[2]) - 1, 1)));
    }
    if (/#gYear$/.test(value.datatype || '')) return raw;
    return formatValue(value, lang);
  }

  function isBoolean(value) {
    return /#boolean$/.test(value.datatype || '');
  }

  // One value with its unit; "about" before a hedged number, never before yes or no.
  function valueNode(value, lang) {
    // A computed ratio names its unit in its label ("ton/km").
    const unit = unitLabel(value.unit) || (!value.iri && isNumeric(value) && value.label ? value.label : '');
    const text = value.iri && !isNumeric(value) ? (value.label || shortName(value.iri)) : valueText(value, lang);
    const main = value.iri && !isNumeric(value)
      ? el('a', { href: localHref(value.iri), class: 'value-number' }, text)
      : el('span', { class: 'value-number' }, text);
    return [
      value.approximate && !isBoolean(value) ? el('span', { class: 'value-hedge' }, WORDS[lang].about + ' ') : null,
      main,
      unit ? [' ', el('span', { class: 'value-unit' }, unit)] : null,
    ];
  }

  const BY_TIME = new Set(['order', 'verdict', 'duration']);

  // A fact's own value, from its step (the value, unit and hedge the graph gives it); for an
  // answer computed from times, the fact's time.
  function stepValue(step, lang, kind) {
    if (BY_TIME.has(kind) && step.time) {
      const month = /^\d{4}-\d{2}$/.test(step.time);
      return valueNode({ value: step.time, datatype: month ? 'http://www.w3.org/2001/XMLSchema#gYearMonth' : 'http://www.w3.org/2001/XMLSchema#gYear' }, lang);
    }
    const value = step.value || {};
    const name = value.name && (value.name[lang] || value.name.en || value.name.nl);
    return valueNode({ value: value.value, datatype: value.datatype, iri: value.iri, label: name, unit: step.unit, approximate: step.approximate }, lang);
  }

  // The sentence a fact is quoted from: the step's own (the one its evidence is in), else the
  // answer's source with that IRI, else its first source.
  function sourceOf(body, step) {
    if (step && step.quote && typeof step.quote.text === 'string' && step.quote.text !== '') {
      return { sentence: step.quote.text, iri: step.sentence, document: step.quote.document, position: step.quote.position };
    }
    return (body.sources || []).find((s) => s && step && s.iri === step.sentence) || (body.sources || [])[0];
  }

  // The Dutch sentence a fact rests on, its evidence marked, with where it comes from.
  function quote(body, step, lang) {
    const source = sourceOf(body, step);
    if (!source || !source.sentence) return null;
    const words = WORDS[lang];
    const caption = el('figcaption', {}, words.source + ' (' + words.dutch + '): ');
    const sentenceHref = localHref(source.iri);
    const label = words.sentence + (source.position ? ' ' + source.position : '');
    caption.append(sentenceHref ? el('a', { href: sentenceHref }, label) : label);
    const documentHref = localHref(source.document);
    if (documentHref) caption.append(lang === 'en' ? ' of ' : ' van ', el('a', { href: documentHref }, words.article));
    const evidence = (step && step.evidence) || (body.evidence || [])[0];
    return el('figure', { class: 'source' }, el('blockquote', { lang: 'nl' }, highlighted(source.sentence, evidence)), caption);
  }

  function factLink(step, lang, many) {
    const href = localHref(step.fact);
    if (!href) return null;
    const statement = step.statement && (step.statement[lang] || step.statement.en);
    // One label everywhere; with several facts the accessible name adds which one.
    return el('a', { href, class: 'fact-link', 'aria-label': many && statement ? WORDS[lang].fact + ': ' + statement : null }, WORDS[lang].fact);
  }

  function number(step) {
    const n = Number(step && step.value && step.value.value);
    return Number.isFinite(n) ? n : null;
  }

  // The arithmetic of a computed answer, from the facts' own values: "2.600 + 1.881 = 4.481 t".
  function arithmetic(body, steps, lang) {
    const answer = (body.values || [])[0];
    if (!answer) return null;
    const fmt = (n) => formatValue({ value: String(n), datatype: 'http://www.w3.org/2001/XMLSchema#decimal' }, lang);
    const unit = unitLabel(answer.unit) || (!answer.iri && answer.label ? answer.label : '');
    const result = valueText(answer, lang) + (unit ? ' ' + unit : '');
    const [a, b] = steps.map(number);
    const year = (step) => (step && step.time ? Number(String(step.time).slice(0, 4)) : null);
    switch (body.template) {
      case 'sum': return a !== null && b !== null ? fmt(a) + ' + ' + fmt(b) + ' = ' + result : null;
      case 'difference': return a !== null && b !== null ? fmt(Math.max(a, b)) + ' − ' + fmt(Math.min(a, b)) + ' = ' + result : null;
      case 'years-between': {
        const [y1, y2] = steps.map(year);
        return y1 && y2 ? Math.max(y1, y2) + ' − ' + Math.min(y1, y2) + ' = ' + result : null;
      }
      case 'years-to-date': {
        const y = year(steps[0]);
        const n = Number(answer.value);
        return y && Number.isFinite(n) ? (y + n) + ' − ' + y + ' = ' + result : null;
      }
      case 'per-unit': return a !== null && b !== null ? fmt(a) + ' ÷ ' + fmt(b) + ' = ' + result : null;
      case 'per-period': {
        const n = Number(answer.value);
        return a !== null && n ? fmt(a) + ' ÷ ' + Math.round(a / n) + ' = ' + result : null;
      }
      default:
        if (body.kind === 'comparison' && a !== null && b !== null) {
          const sign = a > b ? ' > ' : a < b ? ' < ' : ' = ';
          return fmt(a) + sign + fmt(b) + ' → ' + result;
        }
        return null;
    }
  }

  const COMPUTED = new Set(['arithmetic', 'duration', 'ratio', 'comparison', 'order', 'verdict']);

  function renderAnswer(body) {
    const lang = body.lang === 'en' ? 'en' : 'nl';
    const words = WORDS[lang];
    const steps = (body.steps || []).filter(Boolean);
    const values = (body.values || []).filter(Boolean);
    const card = el('article', { class: 'card', 'aria-labelledby': 'answer-heading', lang });
    card.append(el('h3', { id: 'answer-heading' }, lang === 'en' ? 'Answer' : 'Antwoord'));
    // The value, once: with its unit and hedge; a list of things as a list.
    if (values.length === 1) {
      card.append(el('p', { class: 'answer-value' }, valueNode(values[0], lang)));
    } else if (values.length > 1) {
      card.append(el('ul', { class: 'answer-values' }, values.map((v) => el('li', {}, valueNode(v, lang)))));
    }
    const computed = COMPUTED.has(body.kind) && steps.length > 0;
    if (computed || steps.length > 1) {
      // Each fact with its own value, sentence and link; then the arithmetic.
      const list = el('ol', { class: 'steps' }, steps.map((step) => el('li', {},
        el('p', { class: 'statement' }, (step.statement && (step.statement[lang] || step.statement.en)) || ''),
        el('p', { class: 'step-value' }, stepValue(step, lang, body.kind)),
        quote(body, step, lang),
        el('p', { class: 'card-links' }, factLink(step, lang, steps.length > 1)))));
      const line = computed ? arithmetic(body, steps, lang) : null;
      card.append(computed
        ? el('section', { class: 'working', 'aria-label': words.steps }, el('h4', {}, words.steps), list, line ? el('p', { class: 'arithmetic' }, line) : null)
        : list);
    } else {
      const step = steps[0];
      const statement = step && step.statement && (step.statement[lang] || step.statement.en);
      // The fact in the reader's language; for an English reader that is its English label,
      // above the Dutch sentence it comes from.
      card.append(el('p', { class: 'statement' }, statement || body.answer || ''));
      const q = quote(body, step, lang);
      if (q) card.append(q);
      if (step) card.append(el('p', { class: 'card-links' }, factLink(step, lang, false)));
    }
    const details = el('details', { class: 'details' }, el('summary', {}, words.details));
    const facts = el('dl', { class: 'details-list' });
    if (body.template) facts.append(el('dt', {}, words.template), el('dd', {}, el('code', {}, body.template)));
    if (typeof body.confidence === 'number') facts.append(el('dt', {}, words.confidence), el('dd', {}, Math.round(body.confidence * 100) + '%'));
    details.append(facts);
    if (typeof body.sparql === 'string' && body.sparql.trim() !== '') {
      details.append(el('p', {}, words.query), el('pre', { tabindex: '0' }, el('code', { lang: 'en' }, body.sparql)),
        el('p', {}, el('a', { href: '/query?query=' + encodeURIComponent(body.sparql) }, words.editor)));
    }
    card.append(details);
    return card;
  }

  function renderUnanswered(body) {
    const lang = body.lang === 'en' ? 'en' : 'nl';
    const card = el('article', { class: 'card unanswered', 'aria-labelledby': 'answer-heading', lang });
    card.append(el('h3', { id: 'answer-heading' }, WORDS[lang].none));
    // The engine's refusal says what the graph lacks (the words it does not know).
    card.append(el('p', { class: 'refusal' }, body.answer || ''));
    const suggestions = (body.suggestions || [])
      .map((s) => (typeof s === 'string' ? s : s && (s.question || s.text)))
      .filter((s) => typeof s === 'string' && s !== '');
    if (suggestions.length) {
      card.append(el('p', {}, WORDS[lang].can));
      card.append(el('ul', { class: 'suggestions' }, suggestions.map((s) => el('li', {}, questionLink(s, lang)))));
    }
    return card;
  }

  function renderFailure(message) {
    return el('article', { class: 'card failed', 'aria-labelledby': 'answer-heading' },
      el('h3', { id: 'answer-heading' }, 'Something went wrong'),
      el('p', {}, message));
  }

  let latest = 0;

  async function ask(question, options) {
    const q = question.trim();
    if (q === '') return;
    const { push = false, lang = null } = options || {};
    input.value = q;
    const url = '/?q=' + encodeURIComponent(q);
    if (push && location.pathname + location.search !== url) {
      history.pushState({ q, lang }, '', url);
    }
    const ticket = ++latest;
    region.setAttribute('aria-busy', 'true');
    region.replaceChildren(el('p', { class: 'hint' }, 'Looking for the answer…'));
    let card;
    try {
      const response = await fetch('/ask?q=' + encodeURIComponent(q) + (lang ? '&lang=' + encodeURIComponent(lang) : ''), {
        headers: { Accept: 'application/json' },
      });
      let body = null;
      try {
        body = await response.json();
      } catch (_) {
        body = null;
      }
      if (!response.ok || !body || typeof body !== 'object') {
        const detail = body && body.error && body.error.message;
        card = renderFailure('The question service answered ' + response.status + (detail ? ': ' + detail : '.'));
      } else if (body.answered) {
        card = renderAnswer(body);
      } else {
        card = renderUnanswered(body);
      }
    } catch (_) {
      card = renderFailure('The question service could not be reached.');
    }
    if (ticket !== latest) return null; // a newer question was asked meanwhile
    region.replaceChildren(card);
    region.removeAttribute('aria-busy');
    return card;
  }

  // The question builder: pick a thing (found by any of its names, Dutch or English), then one
  // of the questions /questions/about lists for it (each one the service answers); the chosen
  // question goes into the box and is asked. Native radio groups: arrows move, Space picks,
  // Enter asks; the counts are announced in live regions.
  function builder() {
    const builderForm = document.getElementById('builder');
    const filter = document.getElementById('thing-filter');
    const thingList = document.getElementById('thing-list');
    const thingCount = document.getElementById('thing-count');
    const questionChoices = document.getElementById('question-choices');
    const questionLegend = document.getElementById('question-legend');
    const questionList = document.getElementById('question-list');
    const questionStatus = document.getElementById('question-status');
    const askButton = document.getElementById('builder-ask');
    if (!builderForm || !filter || !thingList || !questionList || !askButton) return;
    const SHOWN = 8;
    let things = [];
    let chosenThing = null;
    let chosenQuestion = null;
    let ticket = 0;

    const language = () => (builderForm.querySelector('input[name="builder-lang"]:checked') || {}).value || 'en';
    // Case and accents do not matter when searching a name.
    const fold = (text) => String(text).normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
    const nameOf = (thing) => thing.name[language()] || thing.name.en || thing.name.nl || shortName(thing.iri);

    function showThings() {
      const wanted = fold(filter.value.trim());
      const matching = things.filter((t) => wanted === '' || t.names.some((n) => fold(n).includes(wanted)));
      const lang = language();
      thingList.replaceChildren(...matching.slice(0, SHOWN).map((thing, i) => {
        const id = 'thing-' + i;
        const radio = el('input', { type: 'radio', name: 'thing', id, value: thing.iri, checked: chosenThing === thing.iri });
        radio.addEventListener('change', () => chooseThing(thing));
        const kind = thing.kind && (thing.kind[lang] || thing.kind.en);
        return el('div', { class: 'choice' }, radio,
          el('label', { for: id, lang }, nameOf(thing), kind ? el('span', { class: 'choice-kind' }, ' · ' + kind) : null));
      }));
      const more = matching.length - SHOWN;
      thingCount.textContent = matching.length === 0
        ? 'No thing has that name.'
        : matching.length + (matching.length === 1 ? ' thing matches' : ' things match') +
          (more > 0 ? '; the first ' + SHOWN + ' are shown, type more of the name to narrow them.' : '.');
    }

    async function chooseThing(thing) {
      chosenThing = thing.iri;
      chosenQuestion = null;
      askButton.disabled = true;
      const mine = ++ticket;
      const lang = language();
      questionStatus.textContent = 'Finding the questions about ' + nameOf(thing) + '…';
      let data = null;
      try {
        const response = await fetch('/questions/about?lang=' + lang + '&thing=' + encodeURIComponent(thing.iri), { headers: { Accept: 'application/json' } });
        if (response.ok) data = await response.json();
      } catch (_) {
        data = null;
      }
      if (mine !== ticket) return;
      const questions = (data && Array.isArray(data.questions)) ? data.questions : [];
      questionLegend.textContent = '2. Choose a question about ' + nameOf(thing);
      questionList.replaceChildren(...questions.map((q, i) => {
        const id = 'question-' + i;
        const radio = el('input', { type: 'radio', name: 'question', id, value: q.question });
        radio.addEventListener('change', () => {
          chosenQuestion = q.question;
          input.value = q.question;
          askButton.disabled = false;
        });
        return el('div', { class: 'choice' }, radio,
          el('label', { for: id, lang }, q.question, q.relation ? el('span', { class: 'choice-kind' }, ' · ' + q.relation) : null));
      }));
      questionChoices.hidden = questions.length === 0;
      questionStatus.textContent = !data
        ? 'The questions could not be loaded.'
        : questions.length === 0
          ? 'The graph holds no question the service can answer about ' + nameOf(thing) + '.'
          : questions.length + (questions.length === 1 ? ' question' : ' questions') + ' about ' + nameOf(thing) + '.';
    }

    filter.addEventListener('input', showThings);
    for (const radio of builderForm.querySelectorAll('input[name="builder-lang"]')) {
      radio.addEventListener('change', () => {
        showThings();
        const thing = things.find((t) => t.iri === chosenThing);
        if (thing) chooseThing(thing);
      });
    }
    builderForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!chosenQuestion) return;
      const card = await ask(chosenQuestion, { push: true, lang: language() });
      if (card) card.scrollIntoView({ block: 'nearest' });
    });

    (async () => {
      try {
        const response = await fetch('/questions/things', { headers: { Accept: 'application/json' } });
        if (!response.ok) return;
        const data = await response.json();
        things = (data && Array.isArray(data.things)) ? data.things : [];
      } catch (_) {
        return;
      }
      if (!things.length) return;
      showThings();
      builderForm.hidden = false;
    })();
  }

  // /questions: accept {templates:[{examples:{nl:[…],en:[…]}}]} and close variants.
  function collectExamples(data) {
    const found = [];
    const add = (text, lang) => {
      if (typeof text === 'string' && text.trim() !== '') found.push({ text: text.trim(), lang: lang || null });
      else if (text && typeof text === 'object') add(text.question || text.text || text.q, text.lang || lang);
    };
    const templates = Array.isArray(data) ? data : (data && (data.templates || data.questions || data.examples || data.items)) || [];
    const list = Array.isArray(templates) ? templates : Object.values(templates);
    for (const template of list) {
      if (typeof template === 'string') { add(template); continue; }
      if (!template || typeof template !== 'object') continue;
      const sets = template.examples || template.example_questions || template.questions || template.example;
      if (Array.isArray(sets)) sets.forEach((q) => add(q));
      else if (sets && typeof sets === 'object') {
        for (const [lang, questions] of Object.entries(sets)) [].concat(questions).forEach((q) => add(q, lang));
      } else if (typeof sets === 'string') add(sets);
    }
    const seen = new Set();
    return found.filter((q) => (seen.has(q.text) ? false : seen.add(q.text)));
  }

  async function loadExamples() {
    if (!examples || !exampleList) return;
    let data;
    try {
      const response = await fetch('/questions', { headers: { Accept: 'application/json' } });
      if (!response.ok) return;
      data = await response.json();
    } catch (_) {
      return;
    }
    const questions = collectExamples(data);
    if (!questions.length) return;
    const groups = [['nl', 'In Dutch'], ['en', 'In English'], [null, 'More']];
    const blocks = [];
    for (const [lang, title] of groups) {
      const items = questions.filter((q) => (lang ? q.lang === lang : q.lang !== 'nl' && q.lang !== 'en'));
      if (!items.length) continue;
      blocks.push(el('div', { class: 'example-group' }, el('h4', {}, title),
        el('ul', {}, items.map((q) => el('li', {}, questionLink(q.text, q.lang))))));
    }
    exampleList.replaceChildren(...blocks);
    // The list is long: one line until opened, so the builder and the answer stay in view.
    const summary = document.getElementById('example-summary');
    if (summary) summary.textContent = 'Show the ' + questions.length + ' example questions';
    examples.hidden = false;
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    ask(input.value, { push: true });
  });

  window.addEventListener('popstate', (event) => {
    const q = (event.state && event.state.q) || new URLSearchParams(location.search).get('q');
    if (q) ask(q, { push: false, lang: event.state && event.state.lang });
    else {
      input.value = '';
      region.replaceChildren();
    }
  });

  const initial = new URLSearchParams(location.search).get('q');
  if (initial && initial.trim() !== '') {
    history.replaceState({ q: initial.trim(), lang: null }, '', location.href);
    ask(initial, { push: false });
  }
  loadExamples();
  builder();
})();
