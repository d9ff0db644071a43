"""Real SPARQL clients against a running factgraph: SPARQLWrapper and rdflib's SPARQLStore.

Usage: python3 tests/clients/clients.py http://127.0.0.1:PORT/sparql
Prints one line per check and a closing 'N passed, N failed' line; exits 1 on any failure.
"""

import sys

from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore

ENDPOINT = sys.argv[1]
FG = "https://w3id.org/factgraph/"
OUTPUT_QUERY = f"SELECT ?v WHERE {{ <{FG}id/audi-brussels> <{FG}def/electricVehiclesProduced> ?v }}"
OWNER_QUERY = f"CONSTRUCT {{ ?a <{FG}def/owns> ?p }} WHERE {{ ?a <{FG}def/owns> ?p }}"

checks = []


def check(name):
    def register(function):
        checks.append((name, function))
        return function

    return register


def wrapper(query, fmt=None, method=None):
    client = SPARQLWrapper(ENDPOINT)
    client.setQuery(query)
    if fmt:
        client.setReturnFormat(fmt)
    if method:
        client.setMethod(method)
    return client.query().convert()


@check("SPARQLWrapper SELECT as JSON")
def _():
    results = wrapper(OUTPUT_QUERY, JSON)
    assert results["results"]["bindings"][0]["v"]["value"] == "43866", results


@check("SPARQLWrapper SELECT as XML (its default)")
def _():
    document = wrapper(OUTPUT_QUERY)
    values = [node.firstChild.data for node in document.getElementsByTagName("literal")]
    assert values == ["43866"], values


@check("SPARQLWrapper SELECT as CSV")
def _():
    body = wrapper(OUTPUT_QUERY, CSV)
    assert body.decode().split() == ["v", "43866"], body


@check("SPARQLWrapper ASK by POST")
def _():
    assert wrapper(f"ASK {{ <{FG}id/audi> ?p ?o }}", JSON, POST)["boolean"] is True


@check("SPARQLWrapper CONSTRUCT as RDF/XML (its default) into an rdflib graph")
def _():
    graph = wrapper(OWNER_QUERY, XML)
    assert (rdflib.URIRef(f"{FG}id/audi"), rdflib.URIRef(f"{FG}def/owns"), rdflib.URIRef(f"{FG}id/audi-brussels")) in graph


@check("SPARQLWrapper CONSTRUCT as Turtle")
def _():
    graph = rdflib.Graph().parse(data=wrapper(OWNER_QUERY, TURTLE), format="turtle")
    assert len(graph) == 1, len(graph)


@check("rdflib SPARQLStore SELECT")
def _():
    graph = rdflib.Graph(store=SPARQLStore(ENDPOINT))
    rows = list(graph.query(OUTPUT_QUERY))
    assert [int(row.v) for row in rows] == [43866], rows


@check("rdflib SPARQLStore ASK and CONSTRUCT by POST")
def _():
    graph = rdflib.Graph(store=SPARQLStore(ENDPOINT, method="POST"))
    assert graph.query(f"ASK {{ <{FG}id/audi> ?p ?o }}").askAnswer is True
    assert len(graph.query(OWNER_QUERY).graph) == 1


@check("a malformed query raises SPARQLWrapper's QueryBadFormed (HTTP 400)")
def _():
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    try:
        wrapper("SELECT WHERE {", JSON)
    except QueryBadFormed as error:
        assert "syntax" in str(error).lower(), error
    else:
        raise AssertionError("no error")


passed = failed = 0
for name, function in checks:
    try:
        function()
    except Exception as error:  # noqa: BLE001 - every failure is reported the same way
        failed += 1
        print(f"FAIL {name}: {error!r}")
    else:
        passed += 1
        print(f"ok   {name}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
