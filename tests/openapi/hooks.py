"""Strategies for the formats of factgraph's OpenAPI document that JSON Schema cannot express.

schemathesis reads this module when SCHEMATHESIS_HOOKS names it (tests/openapi/run.sh does).
A string of format `sparql-query` must be a SPARQL query for the request to be valid, so a
random string would be a negative case presented as a positive one: these strategies build
queries and updates from the grammar's pieces, with generated literals, numbers and IRIs in
them, so the positive phase exercises evaluation and the negative phase the parser.
"""

import json

import schemathesis
from hypothesis import strategies as st

# Literal text may hold anything but what would end the literal early.
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='"\\'),
    max_size=20,
)
LITERAL = st.one_of(
    TEXT.map(lambda t: f'"{t}"'),
    st.tuples(TEXT, st.sampled_from(["nl", "en", "de"])).map(lambda p: f'"{p[0]}"@{p[1]}'),
    st.integers(-10**6, 10**6).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.sampled_from(["true", "false"]),
)
PATH_SEGMENT = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
IRI = st.one_of(
    PATH_SEGMENT.map(lambda s: f"https://w3id.org/factgraph/id/{s}"),
    st.sampled_from([
        "https://w3id.org/factgraph/id/audi-brussels",
        "https://w3id.org/factgraph/def/Fact",
        "http://www.w3.org/2000/01/rdf-schema#label",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    ]),
)
TERM = st.one_of(IRI.map(lambda i: f"<{i}>"), LITERAL, st.sampled_from(["?s", "?p", "?o"]))
FILTER = st.one_of(
    st.just(""),
    LITERAL.map(lambda l: f"FILTER(?o = {l})"),
    TEXT.map(lambda t: f'FILTER(CONTAINS(STR(?o), "{t}"))'),
    st.integers(0, 5000).map(lambda n: f"FILTER(isNumeric(?o) && ?o > {n})"),
)
# A predicate is an IRI, a variable or `a` (the grammar's Verb); subjects and objects any term.
VERB = st.one_of(IRI.map(lambda i: f"<{i}>"), st.sampled_from(["?p", "a"]))
PATTERN = st.builds(lambda s, p, o, f: f"{s} {p} {o} . {f}", TERM, VERB, TERM, FILTER)
LIMIT = st.integers(0, 50).map(lambda n: f" LIMIT {n}")
QUERY = st.one_of(
    st.builds(lambda w, l: f"SELECT * WHERE {{ {w} }}{l}", PATTERN, LIMIT),
    st.builds(lambda w: f"ASK {{ {w} }}", PATTERN),
    st.builds(lambda w, l: f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {w} }}{l}", PATTERN, LIMIT),
    IRI.map(lambda i: f"DESCRIBE <{i}>"),
    st.builds(
        lambda w: f"SELECT (COUNT(*) AS ?n) WHERE {{ {w} }} GROUP BY ?p", PATTERN
    ),
    st.sampled_from([
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
        "PREFIX fg: <https://w3id.org/factgraph/def/> SELECT ?f WHERE { ?f a fg:Fact } LIMIT 5",
        "SELECT ?s ?label WHERE { ?s rdfs:label ?label FILTER(LANG(?label) = 'en') } LIMIT 10",
    ]),
)
UPDATE = st.one_of(
    st.builds(lambda s, o: f"INSERT DATA {{ <{s}> <http://example.org/p> {o} }}", IRI, LITERAL),
    st.builds(lambda w: f"DELETE WHERE {{ {w} }}", PATTERN),
)

# Reconciliation requests (/reconcile): JSON texts shaped as the Reconciliation Service API 0.2
# schemas say, with names, types and properties of the graph among generated ones.
NAME = st.one_of(
    st.sampled_from(["Audi Brussel", "Vorst plant", "Q8 etron", "Hongarije", "Ingolstat", "audi-brussels"]),
    TEXT,
)
TYPE_ID = st.one_of(st.sampled_from(["Plant", "Place", "Company", "VehicleModel"]), TEXT)
PROPERTY_ID = st.one_of(st.sampled_from(["locatedIn", "surfaceArea", "owns", "producesModel"]), TEXT)
VALUE = st.one_of(
    TEXT,
    st.integers(-10**6, 10**6),
    st.booleans(),
    st.fixed_dictionaries({"id": st.sampled_from(["brussels", "audi", "hungary"])}),
)
PROPERTY = st.fixed_dictionaries({"pid": PROPERTY_ID, "v": st.one_of(VALUE, st.lists(VALUE, max_size=3))})
RECONCILIATION_QUERY = st.fixed_dictionaries(
    {"query": NAME},
    optional={
        "type": st.one_of(TYPE_ID, st.lists(TYPE_ID, max_size=2)),
        "limit": st.integers(-1, 20),
        "properties": st.lists(PROPERTY, max_size=2),
        "type_strict": st.sampled_from(["any", "all", "should"]),
    },
)
BATCH = st.dictionaries(st.text(max_size=6), RECONCILIATION_QUERY, max_size=4).map(json.dumps)
EXTEND = st.fixed_dictionaries(
    {
        "ids": st.lists(st.one_of(st.sampled_from(["audi-brussels", "audi-brussels-solar-roof"]), TEXT), max_size=3),
        "properties": st.lists(
            st.fixed_dictionaries(
                {"id": PROPERTY_ID},
                optional={"settings": st.fixed_dictionaries(
                    {}, optional={"unit": st.sampled_from(["separate", "included"]), "limit": st.integers(0, 3)}
                )},
            ),
            max_size=3,
        ),
    }
).map(json.dumps)

schemathesis.openapi.format("reconciliation-queries", BATCH)
schemathesis.openapi.format("reconciliation-extend", EXTEND)
schemathesis.openapi.format("sparql-query", QUERY)
schemathesis.openapi.format("sparql-update", UPDATE)
schemathesis.openapi.format("iri", IRI)
