// Comunica (@comunica/query-sparql) against factgraph's /sparql, as clients.py drives the Python
// clients: SELECT, ASK, CONSTRUCT and DESCRIBE, each read through Comunica's own API (bindings,
// boolean, quads) and serialized in every result format Comunica offers for that query form.
// Usage: node comunica.mjs http://127.0.0.1:PORT/sparql
// Prints "ok NAME" or "FAIL NAME: reason" per combination; clients.py counts them. A format that
// fails inside Comunica whatever the source (tried again on an in-memory store holding the same
// answer) is Comunica's own limitation: it is printed as "skip NAME: reason" and not counted.
import { QueryEngine } from '@comunica/query-sparql';
import { DataFactory, Store } from 'n3';

const endpoint = process.argv[2];
const FG = 'https://w3id.org/factgraph/';
const PLANT = `${FG}id/audi-brussels`;
const AUDI = `${FG}id/audi`;
const OWNS = `${FG}def/owns`;
const XSD_INTEGER = 'http://www.w3.org/2001/XMLSchema#integer';
const QUERIES = {
  SELECT: `SELECT ?v WHERE { <${PLANT}> <${FG}def/electricVehiclesProduced> ?v }`,
  ASK: `ASK { <${AUDI}> <${OWNS}> <${PLANT}> }`,
  CONSTRUCT: `CONSTRUCT { ?a <${OWNS}> ?p } WHERE { ?a <${OWNS}> ?p }`,
  DESCRIBE: `DESCRIBE <${PLANT}>`,
};
// Comunica's media types that report on the query rather than print its results.
const NOT_RESULTS = new Set(['stats', 'explain', 'logical', 'physical', 'query', 'parsed']);

const engine = new QueryEngine();
// A fresh context each time: Comunica caches per engine, and every combination must reach us.
const context = () => ({ sources: [{ type: 'sparql', value: endpoint }], noCache: true });
// The same answers without factgraph, to tell Comunica's own failures from ours.
const { namedNode, literal } = DataFactory;
const offline = new Store();
offline.addQuad(namedNode(PLANT), namedNode(`${FG}def/electricVehiclesProduced`), literal('43866', namedNode(XSD_INTEGER)));
offline.addQuad(namedNode(AUDI), namedNode(OWNS), namedNode(PLANT));
const offlineContext = () => ({ sources: [offline], noCache: true });
let failed = 0;

async function check(name, fn) {
  try {
    await fn();
    console.log(`ok ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`FAIL ${name}: ${firstLine(error)}`);
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

async function streamToString(stream) {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

// What each serialization must hold, by query form.
function checkText(form, mediaType, text) {
  switch (form) {
    case 'SELECT':
      if (mediaType === 'application/sparql-results+json') {
        const json = JSON.parse(text);
        assert(json.results.bindings[0].v.value === '43866', text);
        assert(json.results.bindings[0].v.datatype === XSD_INTEGER, text);
      } else {
        assert(text.includes('43866'), `no 43866 in ${text.slice(0, 300)}`);
      }
      break;
    case 'ASK':
      if (mediaType === 'application/sparql-results+json') {
        assert(JSON.parse(text).boolean === true, text);
      } else {
        assert(text.includes('true'), `no true in ${text.slice(0, 300)}`);
      }
      break;
    case 'CONSTRUCT':
      assert(text.includes(AUDI) || text.includes('audi'), `no owner in ${text.slice(0, 300)}`);
      assert(text.includes('owns'), `no fg:owns in ${text.slice(0, 300)}`);
      break;
    default:
      assert(text.includes('audi-brussels'), `no plant in ${text.slice(0, 300)}`);
  }
}

const NOT_OFFERED = /none of the configured actors were able to serialize for type/;

function firstLine(error) {
  return String(error && error.message ? error.message : error).split('\n')[0];
}

async function serialize(query, mediaType, ctx) {
  const result = await engine.query(query, ctx);
  return streamToString((await engine.resultToString(result, mediaType, ctx)).data);
}

// Comunica's own result types.
await check('Comunica SELECT as bindings', async () => {
  const bindings = await (await engine.queryBindings(QUERIES.SELECT, context())).toArray();
  assert(bindings.length === 1, `${bindings.length} rows`);
  const v = bindings[0].get('v');
  assert(v.termType === 'Literal' && v.value === '43866', JSON.stringify(v));
  assert(v.datatype.value === XSD_INTEGER, v.datatype.value);
});
await check('Comunica ASK as a boolean', async () => {
  const answer = await engine.queryBoolean(QUERIES.ASK, context());
  assert(answer === true, String(answer));
});
await check('Comunica CONSTRUCT as quads', async () => {
  const quads = await (await engine.queryQuads(QUERIES.CONSTRUCT, context())).toArray();
  assert(quads.length === 1, `${quads.length} quads`);
  const [q] = quads;
  assert(q.subject.value === AUDI && q.predicate.value === OWNS && q.object.value === PLANT, JSON.stringify(q));
});
await check('Comunica DESCRIBE as quads', async () => {
  const quads = await (await engine.queryQuads(QUERIES.DESCRIBE, context())).toArray();
  assert(quads.length > 5, `${quads.length} quads`);
  assert(quads.every((q) => q.subject.value === PLANT), 'a quad about something else');
});

// Every result format Comunica offers, per query form: those it refuses for a form's result
// type (bindings, boolean, quads) are not offered for it.
const mediaTypes = Object.keys(await engine.getResultMediaTypes()).filter((m) => !NOT_RESULTS.has(m)).sort();
for (const [form, query] of Object.entries(QUERIES)) {
  for (const mediaType of mediaTypes) {
    const name = `Comunica ${form} ${mediaType}`;
    let text;
    try {
      text = await serialize(query, mediaType, context());
    } catch (error) {
      if (NOT_OFFERED.test(String(error && error.message))) continue;
      try {
        await serialize(query, mediaType, offlineContext());
      } catch (offlineError) {
        console.log(`skip ${name}: Comunica fails without factgraph too: ${firstLine(offlineError)}`);
        continue;
      }
      await check(name, async () => {
        throw error;
      });
      continue;
    }
    await check(name, async () => checkText(form, mediaType, text));
  }
}

process.exit(failed ? 1 : 0);
