#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (default 60 s each). Not part of CI's default path.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# cargo-fuzz drives libFuzzer through nightly-only `-Z` flags. With only a stable toolchain,
# RUSTC_BOOTSTRAP=1 enables them. The code under test is safe Rust, so the default sanitizer is
# none (faster, more executions); set FUZZ_SANITIZER=address to use ASan. Debug assertions are
# on so that integer overflows panic. Crashes land in fuzz/artifacts/<target>/: turn each into a
# regression unit test next to the code it broke.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-60}
shift || true
export RUSTC_BOOTSTRAP=1
sanitizer=${FUZZ_SANITIZER:-none}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list)
fi
cargo fuzz build -s "$sanitizer" --debug-assertions
seeds() { # a small seed corpus per target, from the detectors' own examples
  local t=$1 dir=corpus/$1
  mkdir -p "$dir"
  [ -n "$(ls -A "$dir" 2>/dev/null)" ] && return 0
  python3 - "$dir" "$t" <<'PY' || true
import sys, pathlib, tomllib, hashlib
out, target = pathlib.Path(sys.argv[1]), sys.argv[2]
for f in sorted(pathlib.Path("../detectors").glob("*.toml")):
    doc = tomllib.loads(f.read_text())
    for rule in doc.get("rules", []):
        dec = rule.get("decoder", "")
        if target.startswith("decode_") and dec.replace("-", "_") != target[len("decode_"):]:
            continue
        for ex in rule.get("examples", []) + rule.get("negative_examples", []):
            data = ex.encode()
            (out / hashlib.sha1(data).hexdigest()).write_bytes(data)
PY
}
failed=()
for t in "${targets[@]}"; do
  seeds "$t"
  echo "== $t: ${secs}s"
  mkdir -p "artifacts/$t"
  if ! cargo fuzz run -s "$sanitizer" --debug-assertions "$t" "corpus/$t" -- \
      -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -artifact_prefix="artifacts/$t/" -print_final_stats=1 2>&1 | tail -n 12; then
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "crashes in: ${failed[*]} (see fuzz/artifacts/)" >&2
  exit 1
fi
echo "all ${#targets[@]} targets ran ${secs}s without a crash"
