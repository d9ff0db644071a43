// The SPARQL editor: CodeMirror on the query text, runs the query against /sparql, shows the
// results as a table (IRIs of this dataset linked to their pages; rows stacked on a narrow
// screen), explains syntax errors in words with the place marked, offers downloads and keeps
// the query in the URL (/query?query=…). Values from results are only set as textContent.
'use strict';

(function () {
  const form = document.getElementById('query-form');
  const textarea = document.getElementById('query');
  const status = document.getElementById('query-status');
  const errorBox = document.getElementById('query-error');
  const results = document.getElementById('results');
  const resultsBody = document.getElementById('results-body');
  const downloads = document.getElementById('downloads');
  if (!form || !textarea) return;
  const base = form.dataset.base || 'https://w3id.org/factgraph/';
  let prefixes = {};
  try {
    prefixes = JSON.parse(form.dataset.prefixes || '{}');
  } catch (_) {
    prefixes = {};
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      node.setAttribute(name, String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  // Highlighting when CodeMirror loaded; the plain textarea otherwise.
  let editor = null;
  if (window.CodeMirror) {
    editor = window.CodeMirror.fromTextArea(textarea, {
      mode: 'application/sparql-query',
      lineNumbers: true,
      indentUnit: 2,
      viewportMargin: Infinity,
      // Long lines wrap and the editor grows with its text: nothing scrolls inside it, which a
      // keyboard could not reach (the text area CodeMirror focuses is not the scroller).
      lineWrapping: true,
      screenReaderLabel: 'SPARQL query',
      extraKeys: {
        'Ctrl-Enter': () => run(true),
        'Cmd-Enter': () => run(true),
        // Tab moves the focus on, as everywhere else on the page: no keyboard trap.
        Tab: false,
        'Shift-Tab': false,
      },
    });
  } else {
    textarea.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        run(true);
      }
    });
  }
  const getQuery = () => (editor ? editor.getValue() : textarea.value);
  const setQuery = (text) => (editor ? editor.setValue(text) : (textarea.value = text));

  function localHref(iri) {
    return iri.startsWith(base) ? '/' + iri.slice(base.length) : iri;
  }

  // `https://w3id.org/factgraph/id/audi` → `id:audi`, when a prefix fits and the rest is simple.
  function compact(iri) {
    let best = null;
    for (const [prefix, namespace] of Object.entries(prefixes)) {
      if (iri.startsWith(namespace) && (!best || namespace.length > best[1].length)) best = [prefix, namespace];
    }
    if (best) {
      const local = iri.slice(best[1].length);
      if (/^[\w\-./]*$/u.test(local) && !local.endsWith('.')) return best[0] + ':' + local;
    }
    return iri;
  }

  // Each cell carries its column's name, which a narrow screen shows beside the value (the
  // table stacks its rows there; see site.css).
  function termCell(term, name) {
    const cell = termCellOf(term);
    cell.setAttribute('data-label', '?' + name);
    cell.setAttribute('role', 'cell');
    return cell;
  }

  function termCellOf(term) {
    if (!term) return el('td', {});
    if (term.type === 'uri') {
      return el('td', {}, el('a', { href: localHref(term.value), title: term.value }, compact(term.value)));
    }
    if (term.type === 'bnode') return el('td', { class: 'mono' }, '_:' + term.value);
    if (term.type === 'triple') return el('td', { class: 'mono' }, JSON.stringify(term.value));
    const meta = term['xml:lang']
      ? el('span', { class: 'term-meta' }, '@' + term['xml:lang'])
      : term.datatype
        ? el('span', { class: 'term-meta' }, compact(term.datatype))
        : null;
    return el('td', { lang: term['xml:lang'] || null }, term.value, meta);
  }

  function table(json) {
    const vars = (json.head && json.head.vars) || [];
    const rows = (json.results && json.results.bindings) || [];
    // Explicit roles: the stacked layout of a narrow screen changes the display of the table's
    // parts, which would otherwise hide from screen readers that it is a table.
    const head = el('tr', { role: 'row' }, el('th', { scope: 'col', class: 'row-number', role: 'columnheader' }, '#'), vars.map((v) => el('th', { scope: 'col', role: 'columnheader' }, '?' + v)));
    const body = rows.map((row, i) => el('tr', { role: 'row' }, el('td', { class: 'row-number', role: 'cell', 'data-label': '#' }, i + 1), vars.map((v) => termCell(row[v], v))));
    return [el('table', { role: 'table' }, el('caption', { class: 'visually-hidden' }, 'Query results'), el('thead', {}, head), el('tbody', {}, body)), rows.length];
  }

  function downloadLinks(query, kind) {
    const href = (format) => '/sparql?query=' + encodeURIComponent(query) + '&format=' + format;
    const formats = kind === 'graph'
      ? [['turtle', 'Turtle', 'ttl'], ['ntriples', 'N-Triples', 'nt'], ['jsonld', 'JSON-LD', 'jsonld']]
      : [['csv', 'CSV', 'csv'], ['json', 'JSON', 'json']];
    return ['Download: '].concat(formats.map(([format, label, extension]) =>
      el('a', { href: href(format), download: 'results.' + extension, 'data-format': format }, label)));
  }

  // The parser's list of what it expected, as words: "expected one of LATERAL, SERVICE, [_]" →
  // ["LATERAL", "SERVICE"] (character classes like [_] or ['a'..'z'] say nothing to a person).
  function expectedTokens(message) {
    const match = /expected (?:one of )?([\s\S]*)$/.exec(message);
    if (!match) return [];
    const out = [];
    // A quoted token ("," or "\""), a character class ([...], skipped) or a bare word.
    const token = /"((?:[^"\\]|\\.)*)"|\[(?:[^\]\\]|\\.)*\]|([A-Za-z][\w ]*\w)/g;
    for (const found of match[1].matchAll(token)) {
      if (found[1] !== undefined) out.push(found[1].replace(/\\(.)/g, '$1'));
      else if (found[2] !== undefined) out.push(found[2]);
    }
    return out;
  }

  const QUERY_FORMS = ['SELECT', 'CONSTRUCT', 'ASK', 'DESCRIBE'];
  const FUNCTIONS = ['ABS', 'STR', 'COUNT', 'SUM', 'MAX', 'MIN', 'AVG', 'isLITERAL', 'isNUMERIC'];

  // What went wrong, in words a person reads, from the parser's message and the query text.
  function explain(message, query, line, column) {
    const expected = expectedTokens(message);
    const lines = query.split('\n');
    const atEnd = line > lines.length || (line === lines.length && column > lines[line - 1].length) ||
      query.split('\n').slice(line - 1).join('\n').slice(column - 1).trim() === '';
    const prefix = /Prefix not found/.test(message) &&
      /([A-Za-z][\w-]*)?:[\w.-]*$/.exec((lines[line - 1] || '').slice(0, Math.max(0, column - 1)));
    if (/Prefix not found/.test(message)) {
      const name = prefix && prefix[1] ? prefix[1] + ':' : 'this prefix';
      return 'The prefix ' + name + ' is not declared. Add a line “PREFIX ' + (prefix && prefix[1] ? prefix[1] : 'name') +
        ': <…>” above the query, or use one of the predeclared prefixes.';
    }
    if (expected.includes('"') || expected.some((t) => t.startsWith('\\u'))) {
      return 'A text in quotes is not closed: add the closing quote (").';
    }
    if (atEnd && expected.includes('}')) {
      return 'The query ends too early: something is missing at the end, such as a closing brace “}”.';
    }
    const offending = (lines[line - 1] || '').charAt(column - 2);
    if ((offending === '}' || offending === '.') && !expected.includes(offending)) {
      return 'The part before “' + offending + '” is not complete: a triple pattern needs a subject, a predicate and an object.';
    }
    if (expected.some((t) => QUERY_FORMS.includes(t))) {
      return 'The query must start with SELECT, CONSTRUCT, ASK or DESCRIBE (after any PREFIX lines); check the spelling of the first word.';
    }
    if (expected.some((t) => FUNCTIONS.includes(t))) {
      return 'An expression is not complete here: a value, a variable or a function is missing.';
    }
    if (expected.includes('LATERAL') || expected.includes('SERVICE')) {
      return 'A triple pattern is not complete here: each needs a subject, a predicate and an object.';
    }
    if (expected.includes('.') && expected.includes('}')) {
      return 'Something is missing between two parts of the query: a “.” between triple patterns, or a closing brace “}”.';
    }
    if (expected.length) {
      const shown = expected.slice(0, 6).map((t) => '“' + t + '”').join(', ');
      return 'The query cannot be read from here on. Expected here: ' + shown + (expected.length > 6 ? ', …' : '') + '.';
    }
    return 'The query cannot be read from here on.';
  }

  function clearError() {
    errorBox.hidden = true;
    errorBox.replaceChildren();
    if (editor) {
      editor.getAllMarks().forEach((mark) => mark.clear());
      editor.eachLine((handle) => editor.removeLineClass(handle, 'background', 'cm-error-line'));
    }
  }

  // "SPARQL syntax error: error at 3:14: expected …": the parser counts columns from 1 and
  // reports the position just after the furthest character it read, so the character before
  // it is the one that did not fit; mark that one and its line, and put the cursor there. The
  // box says it in words, shows the line with the place marked, and keeps the parser's own
  // message under a toggle.
  function showError(message, query) {
    errorBox.replaceChildren();
    const position = /\bat (\d+):(\d+)/.exec(message);
    if (position && /syntax error/i.test(message)) {
      const line = Number(position[1]);
      const column = Number(position[2]);
      errorBox.append(el('p', {}, el('strong', {}, 'Line ' + line + ', column ' + column + ': '), explain(message, query, line, column)));
      const text = (query.split('\n')[line - 1] || '');
      const at = Math.max(0, Math.min(text.length, column - 1));
      errorBox.append(el('pre', { class: 'error-line', 'aria-hidden': 'true' },
        el('code', {}, text.slice(0, Math.max(0, at - 1)), el('mark', {}, text.slice(Math.max(0, at - 1), at) || ' '), text.slice(at))));
      if (editor && line >= 1) {
        const cmAt = { line: line - 1, ch: Math.max(0, column - 1) };
        const before = { line: line - 1, ch: Math.max(0, column - 2) };
        if (before.ch < cmAt.ch) editor.markText(before, cmAt, { className: 'cm-error-position' });
        editor.addLineClass(line - 1, 'background', 'cm-error-line');
        editor.setCursor(cmAt);
      }
      errorBox.append(el('details', {}, el('summary', {}, 'The parser’s own message'), el('pre', {}, el('code', {}, message.trim()))));
    } else {
      errorBox.append(el('p', {}, message.trim()));
    }
    errorBox.hidden = false;
  }

  let latest = 0;

  async function run(push) {
    const query = getQuery();
    if (query.trim() === '') return;
    const url = '/query?query=' + encodeURIComponent(query);
    if (push && location.pathname + location.search !== url) history.pushState({ query }, '', url);
    const ticket = ++latest;
    clearError();
    status.textContent = 'Running…';
    const started = performance.now();
    let response;
    let text;
    try {
      const form = new URLSearchParams({ query });
      response = await fetch('/sparql', {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/sparql-results+json, text/turtle;q=0.9',
        },
        body: form,
      });
      text = await response.text();
    } catch (_) {
      if (ticket !== latest) return;
      status.textContent = '';
      showError('The SPARQL endpoint could not be reached.', query);
      return;
    }
    if (ticket !== latest) return;
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    if (!response.ok) {
      status.textContent = 'The query failed (HTTP ' + response.status + ').';
      results.hidden = true;
      showError(text || 'HTTP ' + response.status, query);
      return;
    }
    const type = (response.headers.get('Content-Type') || '').split(';')[0].trim();
    let count;
    if (type === 'application/sparql-results+json') {
      const json = JSON.parse(text);
      if (typeof json.boolean === 'boolean') {
        resultsBody.replaceChildren(el('p', { class: 'boolean' }, 'ASK: ' + json.boolean));
        count = null;
      } else {
        const [node, rows] = table(json);
        resultsBody.replaceChildren(node);
        count = rows;
      }
      downloads.replaceChildren(...downloadLinks(query, 'results'));
    } else {
      resultsBody.replaceChildren(el('pre', {}, el('code', {}, text)));
      count = null;
      downloads.replaceChildren(...downloadLinks(query, 'graph'));
    }
    results.hidden = false;
    status.textContent = (count === null ? 'Done' : count + (count === 1 ? ' result' : ' results')) + ' in ' + seconds + ' s.';
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    run(true);
  });

  // Back and Forward restore the query of that history entry; the entry without a query is the
  // editor as it was first served.
  const initialText = getQuery();
  window.addEventListener('popstate', () => {
    const query = new URLSearchParams(location.search).get('query');
    latest++; // a query still running belongs to the entry we left
    clearError();
    if (query !== null && query.trim() !== '') {
      setQuery(query);
      run(false);
    } else {
      setQuery(initialText);
      results.hidden = true;
      status.textContent = '';
    }
  });

  // A shared link (/query?query=…) shows its results straight away.
  if (new URLSearchParams(location.search).get('query')) run(false);
})();
