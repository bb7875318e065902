#!/usr/bin/env python3
"""Mint format-valid fake tokens for detector examples and fixtures (deterministic per seed).

    tools/mint.py github ghp SEED      -> ghp_ token with a correct base62 CRC32 checksum
    tools/mint.py npm SEED             -> npm_ token with a correct checksum
    tools/mint.py rand ALPHABET N SEED -> N random characters (alphabets: alnum, hex, lower, b64url,
                                          upper32, digits, letters, b64)
    tools/mint.py github-fine SEED     -> github_pat_<22>_<59>
    tools/mint.py aws-key SEED         -> AKIA key id (new generation: encodes an account id)
    tools/mint.py jwt ISS ROLE SEED    -> HS256-shaped JWT {"iss":ISS,"ref":...,"role":ROLE} (random signature)
    tools/mint.py pypi SEED            -> pypi- token: a v2 binary macaroon for pypi.org with one
                                          project caveat (random signature)
    tools/mint.py fly SEED             -> "FlyV1 fm2_..." MessagePack macaroon with an Organization
                                          and a ValidityWindow caveat (random tail)
    tools/mint.py check TOKEN...       -> exit 1 if a token would be dropped by the placeholder filter

Every minted value is checked against the placeholder filter of src/detect/filters.rs (words such
as "example", runs of 6 identical characters, sequential digits): a fixture token must not look
like a placeholder, so minting re-rolls until it does not.
"""
import base64, json, random, struct, sys, zlib

B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ALPHA = {
    "alnum": B62,
    "hex": "0123456789abcdef",
    "lower": "abcdefghijklmnopqrstuvwxyz0123456789",
    "b64url": B62 + "-_",
    "b64": B62 + "+/",
    "upper32": "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
    "digits": "0123456789",
    "letters": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
}

# Mirror of PLACEHOLDER_MARKERS in src/detect/filters.rs.
PLACEHOLDER_MARKERS = [
    "xxxx", "example", "changeme", "change_me", "change-me", "placeholder", "your_", "your-",
    "yourtoken", "yourkey", "insert", "replace", "redacted", "dummy", "<", ">", "${", "{{", "%s",
    "0123456789", "123456789", "abcdefghij", "******", "......", "----", "____", "fake", "sample",
    "notreal", "not_real", "not-real",
]


def is_placeholder(value):
    lower = value.lower()
    if any(m in lower for m in PLACEHOLDER_MARKERS):
        return True
    return any(len(set(lower[i:i + 6])) == 1 for i in range(len(lower) - 5))


def rand(alpha, n, seed):
    r = random.Random(seed)
    while True:
        s = "".join(r.choice(ALPHA[alpha]) for _ in range(n))
        if not is_placeholder(s):
            return s


def b62crc(s):
    n = zlib.crc32(s.encode()) & 0xFFFFFFFF
    out = ""
    for _ in range(6):
        out = B62[n % 62] + out
        n //= 62
    return out


def checksummed(prefix, seed):
    body = rand("alnum", 30, seed)
    return f"{prefix}_{body}{b62crc(body)}"


def github_fine(seed):
    return f"github_pat_{rand('alnum', 22, seed + '/a')}_{rand('alnum', 59, seed + '/b')}"


def aws_key(seed):
    # 5th character in Q-Z or 2-7: a new-generation key id that encodes an account id.
    r = random.Random(seed)
    return "AKIA" + r.choice("QRSTUVWXYZ234567") + rand("upper32", 15, seed)


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def jwt(iss, role, seed, iat=1700000000, exp=2015576000):
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    claims = {"iss": iss, "ref": rand("letters", 20, seed + "/ref").lower(), "role": role,
              "iat": iat, "exp": exp}
    payload = b64url(json.dumps(claims, separators=(",", ":")).encode())
    return f"{header}.{payload}.{rand('b64url', 43, seed + '/sig')}"


def uvarint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def packet(field, data):
    return uvarint(field) + uvarint(len(data)) + data


def pypi(seed, project="webapp-client"):
    r = random.Random(seed)
    ident = "%08x-%04x-4%03x-a%03x-%012x" % (r.getrandbits(32), r.getrandbits(16), r.getrandbits(12),
                                            r.getrandbits(12), r.getrandbits(48))
    caveat = json.dumps([1, [project]], separators=(",", ":")).encode()
    mac = (b"\x02" + packet(1, b"pypi.org") + packet(2, ident.encode()) + b"\x00"
           + packet(2, caveat) + b"\x00" + b"\x00"
           + packet(6, bytes(r.getrandbits(8) for _ in range(32))))
    tok = "pypi-" + b64url(mac)
    return tok if not is_placeholder(tok) else pypi(seed + "'", project)


def mp_bin(b):
    return b"\xc4" + bytes([len(b)]) + b


def mp_str(s):
    b = s.encode()
    return (bytes([0xA0 | len(b)]) if len(b) < 32 else b"\xd9" + bytes([len(b)])) + b


def mp_uint(n):
    if n < 128:
        return bytes([n])
    return b"\xce" + struct.pack(">I", n) if n < 2**32 else b"\xcf" + struct.pack(">Q", n)


def fly(seed, org=72413, not_before=1700000000, not_after=2015576000):
    r = random.Random(seed)
    rb = lambda n: bytes(r.getrandbits(8) for _ in range(n))
    nonce = b"\x93" + mp_bin(rb(16)) + mp_bin(rb(24)) + b"\xc3"
    caveats = (b"\x94" + mp_uint(0) + b"\x92" + mp_uint(org) + mp_uint(0x1F)
               + mp_uint(4) + b"\x92" + mp_uint(not_before) + mp_uint(not_after))
    mac = b"\x94" + nonce + mp_str("https://api.fly.io/v1") + caveats + mp_bin(rb(32))
    tok = "FlyV1 fm2_" + base64.b64encode(mac).decode()
    return tok if not is_placeholder(tok[6:]) else fly(seed + "'", org, not_before, not_after)


if __name__ == "__main__":
    kind, args = sys.argv[1], sys.argv[2:]
    if kind == "github":
        print(checksummed(args[0], args[1]))
    elif kind == "npm":
        print(checksummed("npm", args[0]))
    elif kind == "rand":
        print(rand(args[0], int(args[1]), args[2]))
    elif kind == "github-fine":
        print(github_fine(args[0]))
    elif kind == "aws-key":
        print(aws_key(args[0]))
    elif kind == "jwt":
        print(jwt(args[0], args[1], args[2]))
    elif kind == "pypi":
        print(pypi(args[0]))
    elif kind == "fly":
        print(fly(args[0]))
    elif kind == "check":
        bad = [t for t in args if is_placeholder(t)]
        for t in bad:
            print(f"looks like a placeholder: {t[:6]}…", file=sys.stderr)
        sys.exit(1 if bad else 0)
    else:
        sys.exit(f"unknown kind {kind!r} (see --help text at the top of this file)")
