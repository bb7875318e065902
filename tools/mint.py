#!/usr/bin/env python3
"""Mint format-valid fake tokens for detector examples and fixtures (deterministic per seed).

    tools/mint.py github ghp SEED     -> ghp_ token with a correct base62 CRC32 checksum
    tools/mint.py npm SEED            -> npm_ token with a correct checksum
    tools/mint.py rand ALPHABET N SEED -> N random characters (alphabets: alnum, hex, lower, b64url, upper32)
"""
import random, sys, zlib

B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ALPHA = {
    "alnum": B62,
    "hex": "0123456789abcdef",
    "lower": "abcdefghijklmnopqrstuvwxyz0123456789",
    "b64url": B62 + "-_",
    "upper32": "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
}

def rand(alpha, n, seed):
    r = random.Random(seed)
    return "".join(r.choice(ALPHA[alpha]) for _ in range(n))

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

if __name__ == "__main__":
    kind = sys.argv[1]
    if kind == "github":
        print(checksummed(sys.argv[2], sys.argv[3]))
    elif kind == "npm":
        print(checksummed("npm", sys.argv[2]))
    elif kind == "rand":
        print(rand(sys.argv[2], int(sys.argv[3]), sys.argv[4]))
