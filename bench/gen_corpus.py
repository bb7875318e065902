#!/usr/bin/env python3
"""Deterministic benchmark corpora for tokenscope (see docs/benchmark.md).

    bench/gen_corpus.py synth SIZE_MB OUT_DIR [--seed N]   source-like tree with planted tokens
    bench/gen_corpus.py precommit N_FILES OUT_DIR          many small files (pre-commit path)
    bench/gen_corpus.py patho SIZE_MB OUT_DIR              pathological inputs, one file per case

`synth` writes OUT_DIR/tree/ (what is scanned) and OUT_DIR/planted.tsv (outside the tree):
one line per planted token: kind, path relative to tree, 1-based line, token. Tokens are
format-valid (GitHub/npm tokens carry a correct base62 CRC32 checksum, as tools/mint.py makes).
The mix: ~70% source files (py/js/ts/go/rs/java/yaml/md/env), ~15% long one-line minified JS,
~10% JSON/lock files full of hashes, ~5% binaries (skipped by scanners). Density: one planted
token per TOKEN_EVERY bytes of text.
"""
import os, random, sys, zlib, base64, hashlib, shutil

B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ALNUM = B62
TOKEN_EVERY = 256 * 1024


def b62crc(s):
    n = zlib.crc32(s.encode()) & 0xFFFFFFFF
    out = ""
    for _ in range(6):
        out = B62[n % 62] + out
        n //= 62
    return out


def rstr(r, alpha, n):
    return "".join(r.choice(alpha) for _ in range(n))


def checksummed(r, prefix):
    body = rstr(r, ALNUM, 30)
    return f"{prefix}_{body}{b62crc(body)}"


# (kind, maker). The github kinds have rules today and must all be found (smoke asserts them);
# the others are planted for rules other contributors add and are reported informationally.
def make_token(r, i):
    kinds = [
        ("github.classic-pat", lambda: checksummed(r, "ghp")),
        ("github.oauth-token", lambda: checksummed(r, "gho")),
        ("github.user-to-server", lambda: checksummed(r, "ghu")),
        ("github.installation-token", lambda: checksummed(r, "ghs")),
        ("github.refresh-token", lambda: checksummed(r, "ghr")),
        ("github.fine-grained-pat", lambda: "github_pat_" + rstr(r, ALNUM, 22) + "_" + rstr(r, ALNUM, 59)),
        ("npm", lambda: checksummed(r, "npm")),
        ("aws", lambda: "AKIA" + rstr(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)),
        ("slack", lambda: "xoxb-" + rstr(r, "0123456789", 12) + "-" + rstr(r, "0123456789", 13) + "-" + rstr(r, ALNUM, 24)),
        ("stripe", lambda: "sk_live_" + rstr(r, ALNUM, 24)),
        ("openai", lambda: "sk-proj-" + rstr(r, ALNUM + "-_", 48) + "T3BlbkFJ" + rstr(r, ALNUM + "-_", 48)),
        ("anthropic", lambda: "sk-ant-api03-" + rstr(r, ALNUM + "-_", 93) + "AA"),
    ]
    k, f = kinds[i % len(kinds)]
    return k, f()


WORDS = ("data value result item index count user request response config handler client server "
         "buffer stream error message status state context options params query cache store model "
         "service router event payload header body path file name id list map set key token secret "
         "session auth password api url host port timeout retry limit offset page size total").split()
ASSIGN_TOKEN_VARS = ["GITHUB_TOKEN", "token", "api_key", "NPM_TOKEN", "auth", "secret", "GH_PAT",
                     "AWS_ACCESS_KEY_ID", "SLACK_BOT_TOKEN", "STRIPE_KEY", "OPENAI_API_KEY", "key"]


def ident(r):
    a = r.choice(WORDS)
    b = r.choice(WORDS)
    return a + b.capitalize() if r.random() < 0.5 else f"{a}_{b}"


def code_line(r, ext):
    t = r.random()
    ind = "    " * r.randint(0, 3)
    if ext in ("py",):
        if t < 0.25:
            return f"{ind}{ident(r)} = {ident(r)}({ident(r)}, {r.randint(0, 999)})"
        if t < 0.4:
            return f"{ind}def {ident(r)}(self, {ident(r)}, {ident(r)}=None):"
        if t < 0.5:
            return f"{ind}# {' '.join(r.choice(WORDS) for _ in range(r.randint(3, 12)))}"
        if t < 0.6:
            return f"{ind}if {ident(r)} is not None and {ident(r)} > {r.randint(0, 99)}:"
        if t < 0.7:
            return f"{ind}return {{'{r.choice(WORDS)}': {ident(r)}, '{r.choice(WORDS)}': \"{rstr(r, ALNUM, r.randint(4, 16))}\"}}"
        if t < 0.75:
            return f"{ind}{r.choice(WORDS)}_token = os.environ.get(\"{r.choice(WORDS).upper()}_TOKEN\")"
        return f"{ind}self.{ident(r)}.{ident(r)}({ident(r)}=\"{r.choice(WORDS)}\")"
    if ext in ("js", "ts"):
        if t < 0.3:
            return f"{ind}const {ident(r)} = await {ident(r)}.{ident(r)}({ident(r)}, {r.randint(0, 9999)});"
        if t < 0.45:
            return f"{ind}export function {ident(r)}({ident(r)}, {ident(r)}) {{"
        if t < 0.55:
            return f"{ind}// {' '.join(r.choice(WORDS) for _ in range(r.randint(3, 12)))}"
        if t < 0.6:
            return f"{ind}headers['Authorization'] = `Bearer ${{{ident(r)}}}`;"
        if t < 0.7:
            return f"{ind}if (!{ident(r)} || {ident(r)}.length === 0) return null;"
        return f"{ind}{ident(r)}.{ident(r)} = {{ {r.choice(WORDS)}: '{rstr(r, ALNUM, r.randint(3, 20))}', {r.choice(WORDS)}: {r.randint(0, 99)} }};"
    if ext in ("go", "rs", "java"):
        if t < 0.3:
            return f"{ind}let {ident(r)} = {ident(r)}(&{ident(r)}, {r.randint(0, 999)})?;"
        if t < 0.45:
            return f"{ind}fn {ident(r)}(&self, {ident(r)}: &str) -> Result<{r.choice(WORDS).capitalize()}> {{"
        if t < 0.55:
            return f"{ind}// {' '.join(r.choice(WORDS) for _ in range(r.randint(3, 12)))}"
        if t < 0.65:
            return f"{ind}}}"
        return f"{ind}{ident(r)}.{ident(r)}(\"{rstr(r, ALNUM, r.randint(3, 24))}\");"
    if ext in ("yaml", "yml"):
        if t < 0.5:
            return f"{'  ' * r.randint(0, 3)}{r.choice(WORDS)}: {ident(r)}"
        if t < 0.6:
            return f"{'  ' * r.randint(0, 3)}{r.choice(WORDS)}_token: ${{{{ secrets.{r.choice(WORDS).upper()} }}}}"
        return f"{'  ' * r.randint(0, 3)}- {r.choice(WORDS)}-{r.randint(0, 99)}"
    if ext == "env":
        return f"{r.choice(WORDS).upper()}_{r.choice(WORDS).upper()}={rstr(r, ALNUM, r.randint(4, 12))}"
    # md
    return " ".join(r.choice(WORDS) for _ in range(r.randint(5, 20)))


def line_pool(r, ext, n):
    return [code_line(r, ext) for _ in range(n)]


def token_line(r, ext, tok):
    v = r.choice(ASSIGN_TOKEN_VARS)
    if ext == "py":
        return f'{v} = "{tok}"'
    if ext in ("js", "ts"):
        return f"const {v} = '{tok}';"
    if ext in ("go", "rs", "java"):
        return f'let {v.lower()} = "{tok}";'
    if ext in ("yaml", "yml"):
        return f"{v.lower()}: {tok}"
    if ext == "env":
        return f"{v.upper()}={tok}"
    return f"Use the token `{tok}` for the demo."


class Planter:
    def __init__(self, r):
        self.r = r
        self.n = 0
        self.rows = []
        self.budget = 0  # text bytes written since the last token

    def due(self, nbytes):
        self.budget += nbytes
        if self.budget >= TOKEN_EVERY:
            self.budget -= TOKEN_EVERY
            return True
        return False

    def token(self):
        k, t = make_token(self.r, self.n)
        self.n += 1
        return k, t


def write_source(r, pools, planter, path, rel, target):
    ext = path.rsplit(".", 1)[1]
    pool = pools[ext]
    lines = []
    size = 0
    while size < target:
        chunk = r.choices(pool, k=64)
        for l in chunk:
            lines.append(l)
            size += len(l) + 1
            if planter.due(len(l) + 1):
                k, tok = planter.token()
                lines.append(token_line(r, ext, tok))
                planter.rows.append((k, rel, len(lines), tok))
    with open(path, "w") as f:
        f.write("\n".join(lines))
        f.write("\n")
    return size


def write_minified(r, pools, planter, path, rel, target):
    parts = []
    size = 0
    pool = pools["minjs"]
    while size < target:
        chunk = r.choices(pool, k=256)
        for p in chunk:
            parts.append(p)
            size += len(p)
            if planter.due(len(p)):
                k, tok = planter.token()
                parts.append(f'var {ident(r)}="{tok}";')
                planter.rows.append((k, rel, 1, tok))
    with open(path, "w") as f:
        f.write("".join(parts))
    return size


def minjs_pool(r, n):
    out = []
    for _ in range(n):
        t = r.random()
        a = "".join(r.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(r.randint(1, 2)))
        if t < 0.3:
            out.append(f"function {a}({a}e,t){{return {a}e.{r.choice(WORDS)}(t)||null}}")
        elif t < 0.5:
            out.append(f'{a}.{r.choice(WORDS)}="{rstr(r, ALNUM + "+/", r.randint(8, 64))}";')
        elif t < 0.7:
            out.append(f"var {a}={r.randint(0, 10**6)},{a}x=[{','.join(str(r.randint(0, 255)) for _ in range(8))}];")
        elif t < 0.8:
            out.append(f'"data:image/png;base64,{base64.b64encode(r.randbytes(r.randint(24, 96))).decode()}",')
        else:
            out.append(f"if({a}&&{a}.{r.choice(WORDS)}){{{a}.{r.choice(WORDS)}({a}.{r.choice(WORDS)})}}else{{{a}=void 0}}")
    return out


def write_lock(r, planter, path, rel, target):
    lines = ["{", '  "name": "app",', '  "lockfileVersion": 3,', '  "packages": {']
    size = 0
    i = 0
    while size < target:
        name = f"{r.choice(WORDS)}-{r.choice(WORDS)}-{i}"
        i += 1
        digest = base64.b64encode(hashlib.sha512(f"{name}{r.random()}".encode()).digest()).decode()
        block = [
            f'    "node_modules/{name}": {{',
            f'      "version": "{r.randint(0, 9)}.{r.randint(0, 20)}.{r.randint(0, 40)}",',
            f'      "resolved": "https://registry.npmjs.org/{name}/-/{name}-1.0.0.tgz",',
            f'      "integrity": "sha512-{digest}",',
            f'      "checksum": "{hashlib.sha256(name.encode()).hexdigest()}"',
            "    },",
        ]
        lines.extend(block)
        n = sum(len(b) + 1 for b in block)
        size += n
        if planter.due(n):
            k, tok = planter.token()
            lines.append(f'    "_token": "{tok}",')
            planter.rows.append((k, rel, len(lines), tok))
    lines.append('    "": {}')
    lines.append("  }")
    lines.append("}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return size


def write_binary(r, path, target):
    data = bytearray(r.randbytes(target))
    # A NUL in the first 8 KiB, as in every real binary; an unreachable token after it.
    data[16:20] = b"\0\0\0\0"
    with open(path, "wb") as f:
        f.write(bytes(data))
        f.write(b"\nGITHUB_TOKEN=" + checksummed(r, "ghp").encode() + b"\n")


SRC_EXTS = ["py", "js", "ts", "go", "rs", "java", "yaml", "md", "env"]
SRC_WEIGHTS = [20, 20, 12, 10, 10, 8, 8, 8, 4]


def synth(size_mb, out, seed=1):
    r = random.Random(seed)
    tree = os.path.join(out, "tree")
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(tree)
    pools = {e: line_pool(r, e, 4000) for e in SRC_EXTS}
    pools["minjs"] = minjs_pool(r, 4000)
    planter = Planter(r)
    total = size_mb * 1024 * 1024
    written = 0
    files = 0
    d = 0
    while written < total:
        dirrel = f"pkg{d // 50:03d}/src/mod{d % 50:02d}"
        os.makedirs(os.path.join(tree, dirrel), exist_ok=True)
        d += 1
        for j in range(r.randint(20, 60)):
            t = r.random()
            if t < 0.70:
                ext = r.choices(SRC_EXTS, SRC_WEIGHTS)[0]
                name = f"{ident(r)}_{j}.{ext}" if ext != "env" else f".env.{j}"
                if ext == "env":
                    name = f"{j}.env"
                target = int(r.lognormvariate(9.2, 1.0))  # median ~10 KB
                target = min(target, 400_000)
                fn = write_source
                args = (r, pools, planter)
            elif t < 0.715:
                name = f"bundle_{j}.min.js"
                target = r.randint(200_000, 2_000_000)
                fn = write_minified
                args = (r, pools, planter)
            elif t < 0.73:
                name = f"package-lock_{j}.json"
                target = r.randint(50_000, 800_000)
                fn = write_lock
                args = (r, planter)
            elif t < 0.74:
                name = f"asset_{j}.bin"
                target = r.randint(20_000, 600_000)
                write_binary(r, os.path.join(tree, dirrel, name), target)
                written += target
                files += 1
                continue
            else:
                ext = r.choices(SRC_EXTS, SRC_WEIGHTS)[0]
                name = f"{ident(r)}_{j}.{ext}"
                target = int(r.lognormvariate(8.5, 0.8))
                fn = write_source
                args = (r, pools, planter)
            rel = f"{dirrel}/{name}"
            written += fn(*args, os.path.join(tree, dirrel, name), rel, target)
            files += 1
            if written >= total:
                break
    with open(os.path.join(out, "planted.tsv"), "w") as f:
        for k, rel, line, tok in planter.rows:
            f.write(f"{k}\t{rel}\t{line}\t{tok}\n")
    print(f"{out}: {files} files, {written / 1048576:.0f} MB, {len(planter.rows)} planted tokens")


def precommit(n_files, out):
    r = random.Random(7)
    if os.path.exists(out):
        shutil.rmtree(out)
    pool = line_pool(r, "py", 2000)
    for i in range(n_files):
        d = os.path.join(out, f"d{i // 500:04d}", f"s{(i // 50) % 10}")
        if i % 50 == 0:
            os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"f{i}.py"), "w") as f:
            f.write("\n".join(r.choices(pool, k=r.randint(5, 40))) + "\n")
    print(f"{out}: {n_files} files")


def patho(size_mb, out):
    """One file per case, each SIZE_MB: normal text (the reference), prefix-alphabet runs,
    almost-tokens repeated, a single-line minified file."""
    r = random.Random(3)
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    n = size_mb * 1024 * 1024

    def fill(name, gen):
        with open(os.path.join(out, name), "w") as f:
            size = 0
            while size < n:
                s = gen()
                f.write(s)
                size += len(s)

    pool = line_pool(r, "py", 4000) + line_pool(r, "js", 4000)
    fill("normal.txt", lambda: "\n".join(r.choices(pool, k=1000)) + "\n")
    # Runs of the prefilter's alphabet: every token prefix's characters, shuffled, long lines.
    alpha = "ghpousrt_npmAKIAxoxbeyJsk-livetest_github_patSG.glpat-"
    fill("prefix_alphabet.txt", lambda: "".join(r.choice(alpha) for _ in range(4000)) + "\n")
    # Almost-tokens: each one character short (or otherwise invalid), ~1M of them per case.
    fill("almost_ghp.txt", lambda: "".join(f"ghp_{rstr(r, ALNUM, 35)}\n" for _ in range(1000)))
    fill("almost_akia.txt", lambda: "".join(f"AKIA{rstr(r, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 15)}\n" for _ in range(1000)))
    fill("eyj_runs.txt", lambda: "eyJ" * 1000 + "\n")
    fill("almost_xoxb.txt", lambda: "".join(f"xoxb-{rstr(r, '0123456789', 12)}\n" for _ in range(1000)))
    # Tokens with no line breaks at all: one line of SIZE_MB.
    mp = minjs_pool(r, 4000)
    fill("minified_one_line.js", lambda: "".join(r.choices(mp, k=1000)))
    print(f"{out}: pathological cases of {size_mb} MB each")


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "synth":
        seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
        synth(int(sys.argv[2]), sys.argv[3], seed)
    elif mode == "precommit":
        precommit(int(sys.argv[2]), sys.argv[3])
    elif mode == "patho":
        patho(int(sys.argv[2]), sys.argv[3])
    else:
        sys.exit(__doc__)
