#!/usr/bin/env python3
"""Benchmark driver (called by bench/run.sh; see docs/benchmark.md for the method).

Every timed case is run interleaved (A B C A B C ...) after one untimed warm-up pass, and
reported as median wall time with its spread (min-max). Peak RSS comes from /usr/bin/time.
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
# ~20 token prefixes: the literal floor a prefilter-based scanner cannot beat.
RG_PREFIXES = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "npm_", "AKIA", "ASIA",
               "xoxb-", "xoxp-", "sk_live_", "rk_live_", "sk-proj-", "sk-ant-", "glpat-", "SG\\.",
               "AIza", "hf_", "dop_v1_"]
TIME = "/usr/bin/time"


def tree_stats(root):
    if os.path.isfile(root):
        return os.path.getsize(root), 1
    total = files = 0
    for d, _, fs in os.walk(root):
        for f in fs:
            p = os.path.join(d, f)
            if os.path.isfile(p) and not os.path.islink(p):
                total += os.path.getsize(p)
                files += 1
    return total, files


def run(cmd, cwd=None, env=None):
    """(wall seconds, peak RSS KiB, stdout bytes)."""
    with tempfile.NamedTemporaryFile("r") as tf:
        t0 = time.perf_counter()
        p = subprocess.run([TIME, "-f", "%M", "-o", tf.name] + cmd, cwd=cwd, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wall = time.perf_counter() - t0
        if p.returncode not in (0, 1):
            sys.exit(f"{cmd[0]} failed ({p.returncode}): {p.stderr.decode()[-2000:]}")
        rss = int(tf.read().strip().splitlines()[-1])
    return wall, rss, p.stdout


def count_findings(tool, out):
    if not out:
        return 0
    if tool.startswith("tokenscope"):
        return sum(len(f["locations"]) for f in json.loads(out)["findings"])
    if tool == "detect-secrets":
        return sum(len(v) for v in json.loads(out)["results"].values())
    if tool == "ripgrep":
        return sum(int(l.rsplit(b":", 1)[1]) for l in out.splitlines() if l)
    return len([l for l in out.splitlines() if l.strip()])


class Case:
    def __init__(self, name, cmd, cwd=None, env=None):
        self.name, self.cmd, self.cwd, self.env = name, cmd, cwd, env
        self.walls, self.rss, self.findings = [], [], None


def measure(cases, rounds, label):
    for c in cases:  # untimed warm-up (page cache, lazy init)
        _, _, out = run(c.cmd, c.cwd, c.env)
        c.findings = count_findings(c.name, out)
    for i in range(rounds):
        for c in cases:
            w, r, _ = run(c.cmd, c.cwd, c.env)
            c.walls.append(w)
            c.rss.append(r)
        print(f"  [{label}] round {i + 1}/{rounds}: "
              + ", ".join(f"{c.name} {c.walls[-1]:.3f}s" for c in cases), file=sys.stderr)
    return cases


def med(c):
    return statistics.median(c.walls)


def spread(c):
    return f"{min(c.walls):.3f}–{max(c.walls):.3f}"


def ts_cmd(ts, target, *extra):
    return [ts, "scan", "--format", "json", "-q", "--fail-on", "never", *extra, target]


def main_table(a, ts, target):
    nbytes, nfiles = tree_stats(target)
    mb = nbytes / 1048576
    print(f"\n### Throughput: `{target}` ({mb:.0f} MB, {nfiles} files, warm cache, "
          f"{os.cpu_count()} cores, {a.rounds} interleaved rounds)\n")
    cases = [Case("tokenscope", ts_cmd(ts, target)),
             Case("ripgrep", ["rg", "--no-ignore", "--hidden", "-c", "-e",
                              "|".join(RG_PREFIXES), target])]
    for c in cases:
        c.tree = target
    # The peers are one to three orders of magnitude slower: each is timed on a smaller tree
    # of the same generator (MB/s is flat in corpus size), separately, with fewer rounds.
    slow = []
    if shutil.which("ripsecrets") and not a.no_peers:
        t = os.path.join(ensure_synth(a.ripsecrets_mb), "tree")
        slow.append((Case("ripsecrets", ["ripsecrets", t]), t, a.slow_rounds))
    if shutil.which("detect-secrets") and not a.no_peers:
        t = os.path.join(ensure_synth(a.detect_secrets_mb), "tree")
        slow.append((Case("detect-secrets", ["detect-secrets", "scan", "--all-files", t]), t, 1))
    measure(cases, a.rounds, "main")
    for c, t, n in slow:
        c.tree = t
        measure([c], n, "slow peer")
        cases.append(c)
    base = {c.name: tree_stats(c.tree)[0] / 1048576 / med(c) for c in cases}  # MB/s
    print("| tool | median s (min–max) | MB/s | files/s | peak RSS MB | findings | "
          "tokenscope MB/s ÷ tool MB/s |")
    print("|---|---|---|---|---|---|---|")
    for c in cases:
        m = med(c)
        cmb, cfiles = tree_stats(c.tree)
        cmb /= 1048576
        ratio = base["tokenscope"] / base[c.name]
        print(f"| {c.name} ({len(c.walls)} runs, {cmb:.0f} MB tree) | {m:.3f} ({spread(c)}) | "
              f"{cmb / m:.1f} | {cfiles / m:.0f} | {max(c.rss) / 1024:.0f} | {c.findings} | "
              f"{ratio:.2f}× |")
    t = base["tokenscope"]
    print(f"\ntokenscope: {t:.0f} MB/s = {100 * t / base['ripgrep']:.0f} % of the ripgrep "
          f"floor" + "".join(f"; {t / base[n]:.1f}× the speed of {n}"
                              for n in base if n not in ("tokenscope", "ripgrep")))
    return cases


def precommit_table(a, ts):
    repo = os.path.join(HERE, "corpus", "precommit-100k")
    if not os.path.isdir(repo):
        subprocess.run([sys.executable, os.path.join(HERE, "gen_corpus.py"), "precommit",
                        "100000", repo], check=True)
    files = [f"d{i * 4:04d}/s{i % 10}/f{i * 2000 + (i % 10) * 50 + 7}.py" for i in range(20)]
    for f in files:
        assert os.path.isfile(os.path.join(repo, f)), f
    print("\n### Pre-commit path: 20 files named explicitly in a 100,000-file tree "
          f"({a.pc_rounds} interleaved rounds, warm)\n")
    cases = [Case("tokenscope", [ts, "scan", "--format", "json", "-q", "--fail-on", "never",
                                 *files], cwd=repo),
             Case("ripgrep", ["rg", "-c", "-e", "|".join(RG_PREFIXES), *files], cwd=repo)]
    if shutil.which("ripsecrets") and not a.no_peers:
        cases.append(Case("ripsecrets", ["ripsecrets", *files], cwd=repo))
    if shutil.which("detect-secrets") and not a.no_peers:
        cases.append(Case("detect-secrets", ["detect-secrets", "scan", *files], cwd=repo))
    measure(cases, a.pc_rounds, "pre-commit")
    print("| tool | median ms (min–max) | peak RSS MB |")
    print("|---|---|---|")
    for c in cases:
        print(f"| {c.name} | {1000 * med(c):.1f} ({1000 * min(c.walls):.1f}–"
              f"{1000 * max(c.walls):.1f}) | {max(c.rss) / 1024:.0f} |")


def flatness(a, ts):
    print(f"\n### Flatness ({a.flat_rounds} interleaved rounds each)\n")
    rows = []
    trees = []
    for mbs in a.flat_sizes:
        trees.append((mbs, os.path.join(ensure_synth(mbs), "tree")))
    cases = [Case(f"tokenscope {m} MB", ts_cmd(ts, d)) for m, d in trees]
    measure(cases, a.flat_rounds, "size")
    print("| corpus | median s | MB/s | peak RSS MB |")
    print("|---|---|---|---|")
    for (m, d), c in zip(trees, cases):
        mb = tree_stats(d)[0] / 1048576
        print(f"| synthetic {m} MB | {med(c):.3f} | {mb / med(c):.0f} | {max(c.rss) / 1024:.0f} |")
    main = trees[-1][1]
    mb = tree_stats(main)[0] / 1048576
    ids = rule_ids(ts)
    env10 = dict(os.environ, TOKENSCOPE_RULES=",".join(ids[:10]))
    cases = [Case("tokenscope -j 1", ts_cmd(ts, main, "-j", "1")),
             Case("tokenscope -j 2", ts_cmd(ts, main, "-j", "2")),
             Case(f"tokenscope, all {len(ids)} rules", ts_cmd(ts, main)),
             Case("tokenscope, 10 rules", ts_cmd(ts, main), env=env10)]
    measure(cases, a.flat_rounds, "threads/rules")
    print(f"\n| variant ({trees[-1][0]} MB) | median s | MB/s | ratio |")
    print("|---|---|---|---|")
    j1, j2, allr, ten = (med(c) for c in cases)
    for c, ratio in zip(cases, ["1.00", f"{j1 / j2:.2f}× speed-up", "", f"all/10 = {allr / ten:.2f}×"]):
        print(f"| {c.name} | {med(c):.3f} | {mb / med(c):.0f} | {ratio} |")


def rule_ids(ts):
    out = subprocess.run([ts, "detectors", "--format", "json"], capture_output=True).stdout
    try:
        data = json.loads(out)
        rules = data if isinstance(data, list) else data.get("rules", data.get("detectors", []))
        return [r["id"] for r in rules]
    except Exception:
        out = subprocess.run([ts, "detectors"], capture_output=True, text=True).stdout
        return [l.split()[0] for l in out.splitlines() if l.strip() and "." in l.split()[0]]


def patho_table(a, ts):
    d = os.path.join(HERE, "corpus", f"patho-{a.patho_mb}")
    if not os.path.isdir(d):
        subprocess.run([sys.executable, os.path.join(HERE, "gen_corpus.py"), "patho",
                        str(a.patho_mb), d], check=True)
    names = ["normal.txt", "prefix_alphabet.txt", "almost_ghp.txt", "almost_akia.txt",
             "eyj_runs.txt", "almost_xoxb.txt", "minified_one_line.js"]
    big = ["--max-file-size", str(1 << 30)]
    cases = [Case(n, ts_cmd(ts, os.path.join(d, n), *big)) for n in names]
    measure(cases, a.flat_rounds, "pathological")
    print(f"\n### Pathological inputs ({a.patho_mb} MB each, {a.flat_rounds} rounds)\n")
    print("| input | median s | MB/s | slowdown vs normal text | peak RSS MB |")
    print("|---|---|---|---|---|")
    normal = med(cases[0])
    for c in cases:
        mb = os.path.getsize(os.path.join(d, c.name)) / 1048576
        print(f"| {c.name} | {med(c):.3f} | {mb / med(c):.0f} | {med(c) / normal:.2f}× | "
              f"{max(c.rss) / 1024:.0f} |")


def ensure_synth(mbs):
    d = os.path.join(HERE, "corpus", f"synth-{mbs}")
    if not os.path.isfile(os.path.join(d, "planted.tsv")):
        subprocess.run([sys.executable, os.path.join(HERE, "gen_corpus.py"), "synth", str(mbs), d],
                       check=True)
    return d


def smoke(ts):
    d = ensure_synth(2)
    tree = os.path.join(d, "tree")
    out = subprocess.run(ts_cmd(ts, tree), capture_output=True)
    if out.returncode != 0:
        sys.exit(f"smoke: tokenscope exited {out.returncode}: {out.stderr.decode()}")
    found = set()
    for f in json.loads(out.stdout)["findings"]:
        for loc in f["locations"]:
            found.add((f["rule"], os.path.relpath(loc["path"], tree), loc["line"]))
    must = other = other_found = 0
    missing = []
    for line in open(os.path.join(d, "planted.tsv")):
        kind, rel, ln, _tok = line.rstrip("\n").split("\t")
        hit = (kind, rel, int(ln)) in found
        if kind.startswith("github."):
            must += 1
            if not hit:
                missing.append(f"{kind} {rel}:{ln}")
        else:
            other += 1
            other_found += any(k.startswith(kind) and p == rel and l == int(ln)
                               for k, p, l in found)
    if missing:
        sys.exit("smoke: planted tokens not found:\n  " + "\n  ".join(missing))
    print(f"smoke: all {must} planted GitHub tokens found ({other_found}/{other} tokens of "
          f"other providers found, informational)")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--tokenscope", required=True)
    p.add_argument("--smoke", action="store_true")
    p.add_argument("--size", type=int, default=500)
    p.add_argument("--tree", help="a real tree to benchmark instead of the synthetic corpus")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--slow-rounds", type=int, default=3)
    p.add_argument("--ripsecrets-mb", type=int, default=20)
    p.add_argument("--detect-secrets-mb", type=int, default=2)
    p.add_argument("--pc-rounds", type=int, default=20)
    p.add_argument("--flat-rounds", type=int, default=3)
    p.add_argument("--flat-sizes", default="50,200,500")
    p.add_argument("--patho-mb", type=int, default=50)
    p.add_argument("--only", default="main,precommit,flat,patho")
    p.add_argument("--no-peers", action="store_true")
    a = p.parse_args()
    a.flat_sizes = [int(s) for s in a.flat_sizes.split(",")]
    ts = os.path.abspath(a.tokenscope)
    if a.smoke:
        return smoke(ts)
    only = a.only.split(",")
    target = a.tree or os.path.join(ensure_synth(a.size), "tree")
    print(f"machine: {os.cpu_count()} cores; {subprocess.run(['uname', '-sr'], capture_output=True, text=True).stdout.strip()}; "
          f"tokenscope {subprocess.run([ts, '--version'], capture_output=True, text=True).stdout.strip()}, "
          f"{len(rule_ids(ts))} rules")
    if "main" in only:
        main_table(a, ts, target)
    if "precommit" in only:
        precommit_table(a, ts)
    if "flat" in only:
        a.flat_sizes = sorted(set(a.flat_sizes))
        flatness(a, ts)
    if "patho" in only:
        patho_table(a, ts)


if __name__ == "__main__":
    main()
