#!/usr/bin/env bash
# Validates the shipped graph with pyshacl (an independent SHACL Core + SHACL-SPARQL engine)
# against ontology/shapes.ttl, and checks that the broken data of tests/shacl/broken/ is caught.
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -m pip install --quiet --disable-pip-version-check pyshacl==0.40.1 rdflib==7.6.0
python3 tests/shacl/validate.py .
