"""Validates the shipped graph against ontology/shapes.ttl with pyshacl, an independent SHACL
engine (SHACL Core and SHACL-SPARQL), and checks that broken data is caught.

usage: validate.py REPO_ROOT

1. The data as the service loads it (every .ttl of ontology/ and data/, merged) must conform.
2. For every CASE.ttl in tests/shacl/broken/: the shipped data plus CASE.ttl must produce exactly
   the violations listed in CASE.expected, one per line as
   `focus<TAB>path or constraint<TAB>constraint component` (IRIs shortened by the prefixes below),
   no more and no fewer, so a shape that stops catching something, or starts flagging the
   shipped data, fails.
Prints one line per check and ends with "N passed, N failed"; exits 1 on any failure.
"""

import sys
from pathlib import Path

import pyshacl
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

SH = Namespace("http://www.w3.org/ns/shacl#")
SHORT = [
    ("https://w3id.org/factgraph/id/", "id:"),
    ("https://w3id.org/factgraph/def/", "fg:"),
    ("https://w3id.org/factgraph/shape/", "fgsh:"),
    ("http://www.w3.org/ns/shacl#", "sh:"),
    ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf:"),
    ("http://www.w3.org/2000/01/rdf-schema#", "rdfs:"),
    ("http://www.w3.org/2004/02/skos/core#", "skos:"),
    ("http://schema.org/", "schema:"),
    ("http://qudt.org/schema/qudt/", "qudt:"),
]


def short(term):
    if term is None:
        return "-"
    text = str(term)
    for long, prefix in SHORT:
        if isinstance(term, URIRef) and text.startswith(long):
            return prefix + text[len(long):]
    return text


def shipped(root):
    graph = Graph()
    for folder in ("ontology", "data"):
        for path in sorted((root / folder).glob("*.ttl")):
            graph.parse(path, format="turtle")
    return graph


def validate(data, shapes):
    conforms, report, text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_warnings=False,
        meta_shacl=True,
    )
    if not isinstance(report, Graph):
        # pyshacl refused the shapes themselves (e.g. a SPARQL constraint SHACL does not allow).
        first = next((line for line in str(text).splitlines() if line.strip()), str(text))
        return False, {("(shapes)", "-", "shapes refused", first)}
    results = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        where = report.value(result, SH.resultPath)
        if where is None:
            where = report.value(result, SH.sourceConstraint)
        component = report.value(result, SH.sourceConstraintComponent)
        message = report.value(result, SH.resultMessage)
        results.add((short(focus), short(where), short(component), str(message or "")))
    return conforms, results


def main():
    root = Path(sys.argv[1]).resolve()
    shapes = Graph().parse(root / "ontology" / "shapes.ttl", format="turtle")
    passed = failed = 0

    conforms, results = validate(shipped(root), shapes)
    if conforms and not results:
        print("ok   shipped data conforms to ontology/shapes.ttl")
        passed += 1
    else:
        print(f"FAIL shipped data: {len(results)} violations")
        for row in sorted(results):
            print("     " + "\t".join(row))
        failed += 1

    for case in sorted((root / "tests" / "shacl" / "broken").glob("*.ttl")):
        data = shipped(root)
        data.parse(case, format="turtle")
        _, results = validate(data, shapes)
        got = {row[:3] for row in results}
        expected_file = case.with_suffix(".expected")
        expected = {
            tuple(line.split("\t"))
            for line in expected_file.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        }
        if got == expected:
            print(f"ok   {case.name}: the {len(expected)} expected violations, no others")
            passed += 1
        else:
            print(f"FAIL {case.name}")
            for row in sorted(expected - got):
                print("     missing:    " + "\t".join(row))
            for row in sorted(got - expected):
                print("     unexpected: " + "\t".join(row))
            failed += 1

    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
