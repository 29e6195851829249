#!/usr/bin/env bash
# Writes a .br (brotli, quality 11) and a .gz (gzip -9) beside every file of the built site
# that compresses (wasm, JavaScript, CSS, SVG, the manifest, text), so the server sends those
# as they are and never compresses a static file per request. PNG icons are compressed
# already and are left alone.
#   .ci/precompress.sh [site-root]     (default: target/site)
set -euo pipefail
site="${1:-${LEPTOS_SITE_ROOT:-target/site}}"
command -v brotli >/dev/null || { echo "precompress: brotli is missing (apt-get install brotli)" >&2; exit 1; }
count=0
while IFS= read -r -d '' file; do
  brotli --quality=11 --force --keep --output="$file.br" "$file"
  gzip -9 --no-name --force --keep --stdout "$file" > "$file.gz"
  count=$((count + 1))
done < <(find "$site" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.svg' \
  -o -name '*.webmanifest' -o -name '*.json' -o -name '*.txt' -o -name '*.html' \) -print0)
echo "precompressed $count files in $site"
