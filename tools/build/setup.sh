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
  [dpkg-dev]=/usr/bin/dpkg-source  # apt-get source unpacks with it
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

# The first non-security Debian mirror named by the machine's own sources (deb822 or one-line format).
debian_mirror() {
  cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
    | sed -nE 's/^URIs:[[:space:]]*//p; s/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//p' \
    | awk '$1 ~ /^https?:\/\// && $1 !~ /security/ { print $1; exit }' || true
}
# Runs apt-get with a private state (lists, cache, one sources line): the system's apt configuration is untouched.
# private_apt DIR "SOURCES LINE" ARGS...
private_apt() {
  local dir=$1 line=$2
  shift 2
  mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
  echo "$line" > "$dir/sources.list"
  local options=(-o "Dir::Etc::SourceList=$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
                 -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache" -o APT::Get::List-Cleanup=0
                 -o APT::Sandbox::User=root)
  [ -f "$dir/updated" ] || { apt-get "${options[@]}" -qq update && touch "$dir/updated"; }
  apt-get "${options[@]}" -qq "$@"
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

# 2. xsimd >= 13 headers (Debian 12 ships 8.1, which has no wasm arch): Debian 13's libxsimd-dev.
xsimd_dir="$root/.deps/xsimd"
if [ ! -f "$xsimd_dir/include/xsimd/xsimd.hpp" ]; then
  say "fetching xsimd 13 headers (libxsimd-dev from Debian trixie)"
  mirror=$(debian_mirror)
  [ -n "$mirror" ] || { echo "[setup] no Debian mirror found in /etc/apt/sources.list*" >&2; exit 1; }
  (cd "$tmp" && private_apt "$tmp/trixie" "deb [signed-by=$keyring] $mirror trixie main" download libxsimd-dev)
  dpkg -x "$tmp"/libxsimd-dev_*.deb "$tmp/x"
  rm -rf "$xsimd_dir"
  mkdir -p "$xsimd_dir/include"
  cp -r "$tmp/x/usr/include/xsimd" "$xsimd_dir/include/"
  cp "$tmp/x/usr/share/doc/libxsimd-dev/copyright" "$xsimd_dir/COPYRIGHT" 2>/dev/null || true
  version=$(grep -E '#define XSIMD_VERSION_(MAJOR|MINOR)' "$xsimd_dir/include/xsimd/config/xsimd_config.hpp" | awk '{print $3}' | paste -sd.)
  say "xsimd $version in .deps/xsimd"
fi

# 3. PCRE2's source (the tokenizers' split regexes, with Unicode properties), from this release's Debian archive:
#    `apt-get source` (dpkg-dev unpacks it) with a deb-src line in a private apt state. CMakeLists.txt builds the
#    8-bit library from it for every preset. Only the configuration files its NON-AUTOTOOLS-BUILD names are made.
pcre2_dir="$root/.deps/pcre2"
if [ ! -f "$pcre2_dir/src/pcre2.h" ]; then
  mirror=$(debian_mirror)
  [ -n "$mirror" ] || { echo "[setup] no Debian mirror found in /etc/apt/sources.list*" >&2; exit 1; }
  suite=$(. /etc/os-release && echo "$VERSION_CODENAME")
  say "fetching PCRE2's source (pcre2 from Debian $suite)"
  (cd "$tmp" && private_apt "$tmp/$suite" "deb-src [signed-by=$keyring] $mirror $suite main" source pcre2 >/dev/null)
  unpacked=$(find "$tmp" -maxdepth 1 -type d -name 'pcre2-*' | head -n 1)
  [ -n "$unpacked" ] || { echo "[setup] apt-get source pcre2 unpacked nothing" >&2; exit 1; }
  rm -rf "$pcre2_dir"
  mkdir -p "$pcre2_dir"
  cp -r "$unpacked/src" "$unpacked/LICENCE" "$pcre2_dir/"
  cp "$pcre2_dir/src/config.h.generic" "$pcre2_dir/src/config.h"
  cp "$pcre2_dir/src/pcre2.h.generic" "$pcre2_dir/src/pcre2.h"
  cp "$pcre2_dir/src/pcre2_chartables.c.dist" "$pcre2_dir/src/pcre2_chartables.c"
  say "PCRE2 $(sed -nE 's/^#define PCRE2_(MAJOR|MINOR)[[:space:]]+([0-9]+).*/\2/p' "$pcre2_dir/src/pcre2.h" | paste -sd.) in .deps/pcre2"
fi

# 4. Include folders for em++: its sysroot must not see /usr/include, so each holds only one link.
for lib in catch2; do
  mkdir -p ".deps/include-$lib"
  [ -e ".deps/include-$lib/$lib" ] || ln -s "/usr/include/$lib" ".deps/include-$lib/$lib"
done

# 5. --corpus: the Bible as text, one verse a line ("Ge1:1 In the beginning ..."), from bible-kjv's own compressed
#    data file by its reader (-f: a reference before each verse, -l: no line breaks inside one).
if $corpus && [ ! -s .deps/corpus/kjv.txt ]; then
  mkdir -p .deps/corpus
  bible -f -l 100000 Gen1:1-Rev22:21 > .deps/corpus/kjv.txt.partial
  verses=$(wc -l < .deps/corpus/kjv.txt.partial)
  [ "$verses" -eq 31102 ] || { echo "[setup] bible wrote $verses verses, not the KJV's 31102" >&2; exit 1; }
  mv .deps/corpus/kjv.txt.partial .deps/corpus/kjv.txt
  say "the King James Bible's 31102 verses in .deps/corpus/kjv.txt"
fi

# 6. npm dependencies, reinstalled only when the lock file changed.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi
