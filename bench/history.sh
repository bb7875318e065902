#!/usr/bin/env bash
# History benchmark: generates a repository with many commits (git fast-import, seconds), runs
# `tokenscope scan --git-history` on it and reports unique blobs per second, MB/s and peak memory.
#
#   bench/history.sh [COMMITS] [FILES]     defaults: 6000 commits over 400 files
#   BIN=path/to/tokenscope bench/history.sh   use a given binary instead of a release build
#   KEEP=1 bench/history.sh                   keep the generated repository
#
# Every 1000th commit plants a GitHub token (valid checksum); the run must find each of them.
set -euo pipefail
cd "$(dirname "$0")/.."
commits=${1:-6000}
files=${2:-400}
if [ -z "${BIN:-}" ]; then
  cargo build --release -q
  BIN=$PWD/target/release/tokenscope
fi
if [ ! -x /usr/bin/time ]; then
  echo "bench/history.sh: /usr/bin/time is missing (apt-get install time)" >&2
  exit 2
fi
work=$(mktemp -d)
if [ -z "${KEEP:-}" ]; then trap 'rm -rf "$work"' EXIT; else echo "keeping $work"; fi
repo=$work/repo
git init -q -b main "$repo"

start=$(date +%s%N)
python3 - "$commits" "$files" tools/mint.py >"$work/stream" <<'PY'
import random, subprocess, sys
commits, files, mint = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rnd = random.Random(42)
words = "alpha beta gamma delta deploy config service token region bucket cache queue".split()
out = sys.stdout.buffer
def blob(text):
    data = text.encode()
    out.write(b"data %d\n" % len(data))
    out.write(data)
    out.write(b"\n")
for c in range(1, commits + 1):
    out.write(b"commit refs/heads/main\n")
    out.write(b"author Bench <bench@example.com> %d +0000\n" % (1_600_000_000 + c * 60))
    out.write(b"committer Bench <bench@example.com> %d +0000\n" % (1_600_000_000 + c * 60))
    blob("commit %d" % c)
    for _ in range(3):
        f = rnd.randrange(files)
        lines = ["# file %d, revision %d" % (f, c)]
        for _ in range(rnd.randrange(10, 80)):
            lines.append(" ".join(rnd.choice(words) for _ in range(8)) + " = %d" % rnd.randrange(1 << 30))
        if c % 1000 == 0:
            tok = subprocess.check_output([sys.executable, mint, "github", "ghp", "bench-%d" % c]).decode().strip()
            lines.append("GITHUB_TOKEN=" + tok)
        out.write(b"M 100644 inline src/dir%d/file%d.txt\n" % (f % 20, f))
        blob("\n".join(lines) + "\n")
    out.write(b"\n")
PY
git -C "$repo" fast-import --quiet <"$work/stream"
gen=$(( ($(date +%s%N) - start) / 1000000 ))
ncommits=$(git -C "$repo" rev-list --count --all)
nblobs=$(git -C "$repo" rev-list --objects --all | cut -d' ' -f1 |
  git -C "$repo" cat-file --batch-check='%(objecttype)' | grep -c '^blob$' || true)
echo "repository: $ncommits commits, $nblobs unique blobs, generated in ${gen} ms"

cd "$repo"
/usr/bin/time -v -o "$work/time" "$BIN" scan --git-history --format json --quiet --fail-on never >"$work/out.json"
# /usr/bin/time's peak RSS is the largest process of the tree (usually git cat-file, whose pack
# mappings count); sample tokenscope's own high-water mark in a second run.
own_kb=$(python3 - "$BIN" <<'PY'
import subprocess, sys, time
p = subprocess.Popen([sys.argv[1], "scan", "--git-history", "--quiet", "--format", "json",
                      "--fail-on", "never"], stdout=subprocess.DEVNULL)
hwm = 0
while p.poll() is None:
    try:
        for line in open(f"/proc/{p.pid}/status"):
            if line.startswith("VmHWM"):
                hwm = max(hwm, int(line.split()[1]))
    except OSError:
        pass
    time.sleep(0.02)
print(hwm)
PY
)
elapsed=$(grep 'Elapsed (wall clock)' "$work/time" | awk '{print $NF}')
rss_kb=$(grep 'Maximum resident set size' "$work/time" | awk '{print $NF}')
python3 - "$work/out.json" "$elapsed" "$rss_kb" "$nblobs" "$commits" "$own_kb" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
el = sys.argv[2]
parts = [float(p) for p in el.split(":")]
secs = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
s = doc["summary"]
scanned = s["files_scanned"]
skipped = sum(s["skipped"].values())
mb = s["bytes_scanned"] / 1e6
want = int(sys.argv[5]) // 1000
print(f"tokenscope --git-history: {scanned} blobs scanned (+{skipped} skipped) of {sys.argv[4]} "
      f"in {secs:.2f}s: {scanned / secs:,.0f} blobs/s, {mb / secs:.1f} MB/s ({mb:.1f} MB); "
      f"peak RSS {int(sys.argv[3]) / 1024:.1f} MiB (tokenscope itself "
      f"{int(sys.argv[6]) / 1024:.1f} MiB); findings {s['findings']} (planted {want})")
if s["findings"] != want:
    sys.exit("unexpected number of findings")
PY
