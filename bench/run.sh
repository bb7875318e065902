#!/usr/bin/env bash
# tokenscope benchmark. See docs/benchmark.md.
#
#   bench/run.sh [SIZE_MB] [TREE] [-- bench.py options]   full benchmark (default 500 MB corpus)
#   bench/run.sh --smoke                                  correctness only: tiny corpus, asserts
#                                                         every planted GitHub token is found
#
# Builds tokenscope in release mode (CARGO_TARGET_DIR honoured), generates corpora under
# bench/corpus/ (deterministic, git-ignored) and prints markdown tables on stdout.
# Needs: python3, ripgrep, /usr/bin/time; optional peers: ripsecrets, detect-secrets.
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir="${CARGO_TARGET_DIR:-target}"

if [[ "${1:-}" == "--smoke" ]]; then
  cargo build -q --bin tokenscope
  exec python3 bench/bench.py --smoke --tokenscope "$target_dir/debug/tokenscope"
fi

size=500
tree=()
if [[ $# -gt 0 && "$1" =~ ^[0-9]+$ ]]; then size="$1"; shift; fi
if [[ $# -gt 0 && "$1" != "--" ]]; then tree=(--tree "$1"); shift; fi
[[ "${1:-}" == "--" ]] && shift
for tool in rg python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required (apt-get install ripgrep)" >&2; exit 2; }
done
[[ -x /usr/bin/time ]] || { echo "bench: /usr/bin/time is required (apt-get install time)" >&2; exit 2; }
cargo build -q --release --bin tokenscope
flat="50,200,$size"
exec python3 bench/bench.py --tokenscope "$target_dir/release/tokenscope" --size "$size" \
  --flat-sizes "$flat" "${tree[@]}" "$@"
