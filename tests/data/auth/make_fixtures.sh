#!/bin/sh
# Regenerates the auth test fixtures with an implementation independent of ours: keys from the
# openssl CLI, the JWKS and the JWTs from the CLI plus Python's standard library (which has no
# JWT or crypto of its own: Python only does base64url, JSON and the DER -> R||S conversion).
# The fixtures are checked in; run this only to replace them (then update nothing else: the
# tests read kids and claims from the files' contents, not from constants).
set -eu
cd "$(dirname "$0")"
openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa2048_pkcs8.pem
openssl pkey -in rsa2048_pkcs8.pem -traditional -out rsa2048_traditional.pem
openssl pkey -in rsa2048_pkcs8.pem -pubout -out rsa2048_public.pem
openssl ecparam -name secp384r1 -genkey -noout -out ec_p384_traditional.pem
openssl pkey -in ec_p384_traditional.pem -out ec_p384_pkcs8.pem
openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec_p256.pem
openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out rsa1024.pem
openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -pkeyopt rsa_keygen_primes:3 \
  -out rsa2048_3prime.pem
openssl pkey -in ec_p384_pkcs8.pem -aes256 -passout pass:secret -out ec_p384_encrypted.pem

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
openssl rsa -in rsa2048_pkcs8.pem -noout -modulus > "$tmp/rsa_modulus"
openssl rsa -in rsa1024.pem -noout -modulus > "$tmp/rsa1024_modulus"
openssl ec -in ec_p384_traditional.pem -pubout -outform DER -out "$tmp/ec_spki.der" 2>/dev/null

python3 - "$tmp" <<'PY'
import base64, json, subprocess, sys
tmp = sys.argv[1]

def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

n = bytes.fromhex(open(f"{tmp}/rsa_modulus").read().strip().split("=", 1)[1])
point = open(f"{tmp}/ec_spki.der", "rb").read()[-97:]  # uncompressed point: 04 || x || y
assert point[0] == 4
jwks = {"keys": [
    {"kty": "RSA", "kid": "rsa-cli", "use": "sig", "alg": "RS384",
     "n": b64u(n), "e": b64u((65537).to_bytes(3, "big"))},
    {"kty": "EC", "kid": "ec-cli", "use": "sig", "alg": "ES384", "crv": "P-384",
     "x": b64u(point[1:49]), "y": b64u(point[49:97])},
]}
open("jwks.json", "w").write(json.dumps(jwks, indent=2) + "\n")
n1024 = bytes.fromhex(open(f"{tmp}/rsa1024_modulus").read().strip().split("=", 1)[1])
open("rsa1024_jwk.json", "w").write(json.dumps(
    {"kty": "RSA", "kid": "short", "n": b64u(n1024), "e": "AQAB"}, indent=2) + "\n")

def der_to_raw(der: bytes, size: int) -> bytes:
    # ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }
    def length(at):
        first = der[at]
        if first < 0x80:
            return first, at + 1
        count = first & 0x7F
        return int.from_bytes(der[at + 1:at + 1 + count], "big"), at + 1 + count
    assert der[0] == 0x30
    _, at = length(1)
    out = b""
    for _ in range(2):
        assert der[at] == 0x02
        size_of, at = length(at + 1)
        value = int.from_bytes(der[at:at + size_of], "big")
        out += value.to_bytes(size, "big")
        at += size_of
    return out

# exp is in 2001: the tokens are expired but validly signed.
claims = {"iss": "cli-client", "sub": "cli-client", "aud": "https://example.test/token",
          "exp": 1000000000, "jti": "cli-1"}
def token(alg, kid, key, raw_ec):
    header = {"alg": alg, "kid": kid, "typ": "JWT"}
    signing_input = (b64u(json.dumps(header).encode()) + "." +
                     b64u(json.dumps(claims).encode())).encode()
    sig = subprocess.run(["openssl", "dgst", "-sha384", "-sign", key], input=signing_input,
                         capture_output=True, check=True).stdout
    if raw_ec:
        sig = der_to_raw(sig, 48)
    return signing_input.decode() + "." + b64u(sig) + "\n"

open("rs384.jwt", "w").write(token("RS384", "rsa-cli", "rsa2048_pkcs8.pem", False))
open("es384.jwt", "w").write(token("ES384", "ec-cli", "ec_p384_traditional.pem", True))
open("es384_der.jwt", "w").write(token("ES384", "ec-cli", "ec_p384_traditional.pem", False))
PY
chmod 644 ./*.pem
