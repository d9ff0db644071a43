#!/usr/bin/env bash
# Copies the third-party files the web pages use into web/vendor/, from the npm registry.
#
# The binary serves everything itself (the service must work without any CDN), so the built
# files are committed; this script is how they were made, and how to update them: change the
# pinned version, run it, look at the diff, commit. It needs only npm and tar.
set -euo pipefail
cd "$(dirname "$0")"

CODEMIRROR_VERSION=5.65.21

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# `npm pack` fetches the exact tarball the registry lists and checks it against the registry's
# integrity hash before writing it; the hash is recorded next to the copied files.
(cd "$work" && npm pack --silent "codemirror@${CODEMIRROR_VERSION}" > pack.txt)
tarball="$work/$(tail -n 1 "$work/pack.txt")"
integrity="$(npm view "codemirror@${CODEMIRROR_VERSION}" dist.integrity)"
tar -xzf "$tarball" -C "$work"

dest=vendor/codemirror
rm -rf "$dest"
mkdir -p "$dest"
cp "$work/package/lib/codemirror.js" "$dest/codemirror.js"
cp "$work/package/lib/codemirror.css" "$dest/codemirror.css"
cp "$work/package/mode/sparql/sparql.js" "$dest/sparql.js"
cp "$work/package/LICENSE" "$dest/LICENSE"
cat > "$dest/VERSION" <<INFO
codemirror ${CODEMIRROR_VERSION} (npm), MIT licence (see LICENSE)
integrity ${integrity}
files: lib/codemirror.js, lib/codemirror.css, mode/sparql/sparql.js, LICENSE
made by web/vendor.sh
INFO
echo "copied codemirror ${CODEMIRROR_VERSION} into web/${dest}"
