#!/usr/bin/env bash
# Idempotent set-up for a Debian 12 machine: installs only what is missing, so a second run takes a second.
# Sources: Debian's archive (apt) and the npm registry (npm ci). Nothing else is downloaded.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

say() { printf '[setup] %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. Debian packages, checked by the file each one provides (dpkg queries are slow on a cold cache).
declare -A need=(
  [emscripten]=/usr/bin/em++
  [catch2]=/usr/include/catch2/catch.hpp
  [chromium]=/usr/bin/chromium
  [cmake]=/usr/bin/cmake
  [ninja-build]=/usr/bin/ninja
)
# --corpus: also the training corpus of the built-in models (npm run train-model / eval-model): WordNet and the
# King James Bible (licences: tools/train/CORPUS.md).
corpus=false
[ "${1:-}" = "--corpus" ] && corpus=true
$corpus && need[wordnet-base]=/usr/share/wordnet/data.noun && need[bible-kjv]=/usr/bin/bible
missing=()
for pkg in "${!need[@]}"; do [ -e "${need[$pkg]}" ] || missing+=("$pkg"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# 2. xsimd >= 13 headers (Debian 12 ships 8.1, which has no wasm arch). Fetch Debian 13's libxsimd-dev
#    with a private apt state, from the mirror this machine already uses; the system's apt config is untouched.
xsimd_dir="$root/.deps/xsimd"
if [ ! -f "$xsimd_dir/include/xsimd/xsimd.hpp" ]; then
  say "fetching xsimd 13 headers (libxsimd-dev from Debian trixie)"
  # The first non-security Debian mirror named by the machine's own sources (deb822 or one-line format).
  mirror=$(cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
    | sed -nE 's/^URIs:[[:space:]]*//p; s/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//p' \
    | awk '$1 ~ /^https?:\/\// && $1 !~ /security/ { print $1; exit }' || true)
  [ -n "$mirror" ] || { echo "[setup] no Debian mirror found in /etc/apt/sources.list*" >&2; exit 1; }
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" > "$tmp/sources.list"
  apt_private=(-o "Dir::Etc::SourceList=$tmp/sources.list" -o Dir::Etc::SourceParts=/dev/null
               -o "Dir::State::Lists=$tmp/lists" -o "Dir::Cache=$tmp/cache" -o APT::Get::List-Cleanup=0
               -o APT::Sandbox::User=root)
  apt-get "${apt_private[@]}" -qq update
  (cd "$tmp" && apt-get "${apt_private[@]}" -qq download libxsimd-dev)
  dpkg -x "$tmp"/libxsimd-dev_*.deb "$tmp/x"
  rm -rf "$xsimd_dir"
  mkdir -p "$xsimd_dir/include"
  cp -r "$tmp/x/usr/include/xsimd" "$xsimd_dir/include/"
  cp "$tmp/x/usr/share/doc/libxsimd-dev/copyright" "$xsimd_dir/COPYRIGHT" 2>/dev/null || true
  version=$(grep -E '#define XSIMD_VERSION_(MAJOR|MINOR)' "$xsimd_dir/include/xsimd/config/xsimd_config.hpp" | awk '{print $3}' | paste -sd.)
  say "xsimd $version in .deps/xsimd"
fi

# 3. Include folders for em++: its sysroot must not see /usr/include, so each holds only one link.
for lib in catch2; do
  mkdir -p ".deps/include-$lib"
  [ -e ".deps/include-$lib/$lib" ] || ln -s "/usr/include/$lib" ".deps/include-$lib/$lib"
done

# 4. --corpus: the Bible as text, one verse a line ("Ge1:1 In the beginning ..."), from bible-kjv's own compressed
#    data file by its reader (-f: a reference before each verse, -l: no line breaks inside one).
if $corpus && [ ! -s .deps/corpus/kjv.txt ]; then
  mkdir -p .deps/corpus
  bible -f -l 100000 Gen1:1-Rev22:21 > .deps/corpus/kjv.txt.partial
  verses=$(wc -l < .deps/corpus/kjv.txt.partial)
  [ "$verses" -eq 31102 ] || { echo "[setup] bible wrote $verses verses, not the KJV's 31102" >&2; exit 1; }
  mv .deps/corpus/kjv.txt.partial .deps/corpus/kjv.txt
  say "the King James Bible's 31102 verses in .deps/corpus/kjv.txt"
fi

# 5. npm dependencies, reinstalled only when the lock file changed.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi
