// The question box of the home page: asks GET /ask, shows the answer card with its source
// sentence, lists the example questions of GET /questions, and keeps the question in the URL
// (/?q=…) so an answer can be shared. Text from the service is only ever set as textContent.
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
    for (const child of children.flat()) {
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

  // The ways a number may be written in the sentence: 43866 as "43.866", "43,866", "43 866"…
  function numberSpellings(raw) {
    const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(raw).trim());
    if (!match) return [];
    const [, sign, whole, fraction] = match;
    const spellings = new Set();
    for (const group of ['.', ',', ' ', '\u00a0', '\u202f', '']) {
      const grouped = group ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, group) : whole;
      for (const point of fraction ? [',', '.'] : ['']) {
        if (point && point === group) continue;
        spellings.add(sign + grouped + (point ? point + fraction : ''));
      }
    }
    return [...spellings].sort((a, b) => b.length - a.length);
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }

  // The words the fact rests on, if the answer names them: [start, end] or null. /ask sends
  // `evidence` as a list (one string per fact); a source or value may carry its own.
  function findEvidence(sentence, body, source) {
    const evidence = [source && source.evidence].concat(body.evidence, (body.values || []).map((v) => v && v.evidence))
      .flat()
      .filter((e) => typeof e === 'string' && e.trim() !== '');
    for (const text of evidence) {
      const at = sentence.indexOf(text);
      if (at >= 0) return [at, at + text.length];
    }
    return null;
  }

  // Where the answer's value is written in the sentence: [start, end] or null.
  function findValue(sentence, body) {
    for (const value of body.values || []) {
      if (!value) continue;
      for (const spelling of numberSpellings(value.value)) {
        // Not part of a longer number: "43" must not light up inside "43.866".
        const pattern = new RegExp('(?<![\\d])' + escapeRegExp(spelling) + '(?![.,]?\\d)');
        const found = pattern.exec(sentence);
        if (found) return [found.index, found.index + spelling.length];
      }
      for (const text of [value.label, value.value]) {
        if (typeof text !== 'string' || text.trim() === '') continue;
        const at = sentence.toLowerCase().indexOf(text.toLowerCase());
        if (at >= 0) return [at, at + text.length];
      }
    }
    return null;
  }

  // The sentence with the value marked and, around it, the evidence underlined; the evidence
  // alone is marked when the value is not written in the sentence.
  function highlighted(sentence, body, source) {
    const value = findValue(sentence, body);
    const evidence = findEvidence(sentence, body, source);
    const mark = (range) => [sentence.slice(0, range[0]), el('mark', {}, sentence.slice(range[0], range[1])), sentence.slice(range[1])];
    if (value && evidence && evidence[0] <= value[0] && value[1] <= evidence[1]) {
      return [
        sentence.slice(0, evidence[0]),
        el('span', { class: 'evidence' },
          sentence.slice(evidence[0], value[0]),
          el('mark', {}, sentence.slice(value[0], value[1])),
          sentence.slice(value[1], evidence[1])),
        sentence.slice(evidence[1]),
      ];
    }
    if (value) return mark(value);
    if (evidence) return mark(evidence);
    return [sentence];
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

  // The fact the answer rests on is `facts[0]` (further facts of a list answer follow), then
  // the entities among the values.
  function factLinks(body) {
    const links = [];
    const seen = new Set();
    const add = (iri, text, kind) => {
      const href = localHref(iri);
      if (!href || seen.has(href)) return;
      seen.add(href);
      links.push(el('li', { 'data-kind': kind }, el('a', { href }, text)));
    };
    const facts = [].concat(body.facts || [], body.fact || []);
    for (const value of body.values || []) {
      if (value && value.fact) facts.push(value.fact);
    }
    facts.map((fact) => (fact && typeof fact === 'object' ? fact.iri : fact))
      .filter((iri) => typeof iri === 'string' && iri !== '')
      .forEach((iri, i) => add(iri, i === 0 ? 'The fact' : 'Fact ' + shortName(iri), 'fact'));
    for (const value of body.values || []) {
      if (value && value.iri) add(value.iri, value.label ? 'About ' + value.label : 'The entity', 'entity');
    }
    return links;
  }

  // A term for a SPARQL query, or null when the text could not be written safely.
  function sparqlIri(iri) {
    return typeof iri === 'string' && /^https?:\/\/[^\s<>"{}|\\^`]+$/.test(iri) ? '<' + iri + '>' : null;
  }

  function sparqlString(text) {
    return '"' + String(text).replace(/[\\"]/g, '\\$&').replace(/\n/g, '\\n').replace(/\r/g, '\\r') + '"';
  }

  // Only for an answer that does not name its facts (`facts` absent): find the facts that rest
  // on its sentences and have one of its values as their object.
  async function lookUpFacts(body) {
    const sentences = (body.sources || []).map((s) => s && sparqlIri(s.iri)).filter(Boolean);
    const iris = [];
    const literals = [];
    for (const value of (body.values || []).filter(Boolean)) {
      const iri = sparqlIri(value.iri);
      if (iri) iris.push(iri);
      else if (value.value !== undefined && value.value !== null) literals.push(sparqlString(value.value));
    }
    if (!sentences.length || !(iris.length || literals.length)) return [];
    const tests = [];
    if (iris.length) tests.push('?object IN (' + iris.join(', ') + ')');
    if (literals.length) tests.push('(ISLITERAL(?object) && STR(?object) IN (' + literals.join(', ') + '))');
    const query = 'SELECT DISTINCT ?fact WHERE { VALUES ?sentence { ' + sentences.join(' ') + ' } ' +
      '?fact fg:sourceSentence ?sentence ; rdf:object ?object . FILTER(' + tests.join(' || ') + ') } ORDER BY ?fact LIMIT 4';
    try {
      const response = await fetch('/sparql?query=' + encodeURIComponent(query), { headers: { Accept: 'application/sparql-results+json' } });
      if (!response.ok) return [];
      const json = await response.json();
      return json.results.bindings.map((b) => b.fact && b.fact.value).filter(Boolean);
    } catch (_) {
      return [];
    }
  }

  function renderAnswer(body) {
    const lang = body.lang === 'en' ? 'en' : 'nl';
    const card = el('article', { class: 'card', 'aria-labelledby': 'answer-heading' });
    card.append(el('h3', { id: 'answer-heading' }, 'Answer'));
    card.append(el('p', { class: 'answer-text', lang }, body.answer || ''));
    const values = (body.values || []).filter(Boolean);
    if (values.length) {
      card.append(el('ul', { class: 'values' }, values.map((value) => {
        const unit = unitLabel(value.unit);
        const main = value.iri && !isNumeric(value)
          ? el('a', { href: localHref(value.iri), class: 'value-number' }, value.label || formatValue(value, lang))
          : el('span', { class: 'value-number' }, formatValue(value, lang));
        // "≈" is for the eye; screen readers get the word.
        return el('li', {},
          value.approximate ? [el('span', { 'aria-hidden': 'true' }, '≈ '), el('span', { class: 'visually-hidden' }, 'about ')] : null,
          main,
          unit ? [' ', el('span', { class: 'value-unit' }, unit)] : null);
      })));
    }
    for (const source of (body.sources || []).filter(Boolean)) {
      const sentence = typeof source === 'string' ? source : String(source.sentence || '');
      if (!sentence) continue;
      const caption = el('figcaption', {}, 'Source: ');
      const sentenceHref = localHref(source.iri);
      caption.append(sentenceHref ? el('a', { href: sentenceHref }, 'the sentence') : 'the sentence');
      const documentHref = localHref(source.document);
      if (documentHref) caption.append(' in ', el('a', { href: documentHref }, 'the article'));
      card.append(el('figure', { class: 'source' }, el('blockquote', { lang: 'nl' }, highlighted(sentence, body, source)), caption));
    }
    const links = factLinks(body);
    const linkList = el('ul', { class: 'card-links' }, links);
    card.append(linkList);
    if (!Array.isArray(body.facts) && !links.some((li) => li.dataset.kind === 'fact')) {
      // An older answer shape: filled in when the look-up answers; the card is usable before that.
      lookUpFacts(body).then((facts) => {
        const items = facts.map((fact) => el('li', { 'data-kind': 'fact' },
          el('a', { href: localHref(fact) }, facts.length === 1 ? 'The fact' : 'Fact ' + shortName(fact))));
        linkList.prepend(...items);
      });
    }
    if (typeof body.sparql === 'string' && body.sparql.trim() !== '') {
      card.append(el('details', { class: 'sparql' },
        el('summary', {}, 'Show SPARQL'),
        el('pre', {}, el('code', {}, body.sparql)),
        el('p', {}, el('a', { href: '/query?query=' + encodeURIComponent(body.sparql) }, 'Open this query in the SPARQL editor'))));
    }
    const meta = [];
    if (typeof body.confidence === 'number') meta.push('confidence ' + Math.round(body.confidence * 100) + '%');
    if (body.template) meta.push('template ' + body.template);
    if (meta.length) card.append(el('p', { class: 'meta' }, meta.join(' · ')));
    return card;
  }

  function renderUnanswered(body) {
    const card = el('article', { class: 'card unanswered', 'aria-labelledby': 'answer-heading' });
    card.append(el('h3', { id: 'answer-heading' }, 'No answer'));
    card.append(el('p', { lang: body.lang === 'en' ? 'en' : (body.lang === 'nl' ? 'nl' : null) },
      body.answer || 'The graph has no answer to this question.'));
    const suggestions = (body.suggestions || [])
      .map((s) => (typeof s === 'string' ? s : s && (s.question || s.text)))
      .filter((s) => typeof s === 'string' && s !== '');
    if (suggestions.length) {
      card.append(el('p', {}, 'Questions it can answer:'));
      // Suggestions may be in either language and do not say which: no lang is better than a wrong one.
      card.append(el('ul', { class: 'suggestions' }, suggestions.map((s) => el('li', {}, questionLink(s, null)))));
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
    if (ticket !== latest) return; // a newer question was asked meanwhile
    region.replaceChildren(card);
    region.removeAttribute('aria-busy');
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
})();
