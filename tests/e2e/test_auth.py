"""SMART Backend Services and TLS end to end: real processes, real sockets, real signatures.

`bulkharness serve --auth smart --tls` with a certificate made for the run; `bulkharness export`
gets its tokens with a key from `bulkharness keygen` (ES384 and RS384, PEM and JWK), over TLS
verified against that certificate. The job outlives the token, so the client must renew it.
Registration by value (--jwks FILE, POST /__admin/clients) and by URL (a JWKS served by a
separate process). Certificates are verified unless --insecure says otherwise; a wrong key, no
key, and an untrusted certificate all fail with the reason.
"""
import http.server
import json
import pathlib
import threading
import unittest

import harness

ROOT = pathlib.Path(__file__).resolve().parents[2]
RENEWAL = str(ROOT / "scenarios" / "auth-token-renewal.json")


def keygen(out_dir, alg):
    code, out, err, _ = harness.run(
        [harness.BULKHARNESS, "keygen", "--alg", alg, "--out", str(out_dir)], 60)
    assert code == 0, out + err
    return pathlib.Path(out_dir)


class TlsAuthServer(harness.Server):
    """serve --tls --auth smart with the client `client_id` registered from `jwks`."""

    def __init__(self, tmp, client_id, jwks, *args):
        self.cert = str(pathlib.Path(tmp, "server-cert.pem"))
        super().__init__("--tls", "--tls-cert-out", self.cert, "--auth", "smart",
                         "--client-id", client_id, "--jwks", str(jwks), *args, ca_file=None)
        self.ca_file = self.cert


def export(server, out_dir, *args):
    return harness.export(server.base, out_dir, "--timeout", "120", "--io-timeout", "10",
                          "--max-backoff", "1", *args)


class AuthEndToEnd(unittest.TestCase):
    def renewal_export(self, alg, key_name):
        with harness.tempdir() as tmp:
            keys = keygen(pathlib.Path(tmp, "keys"), alg)
            with TlsAuthServer(tmp, "client-" + alg, keys / "jwks.json", "--scenario",
                               RENEWAL) as server:
                self.assertTrue(server.base.startswith("https://"), server.base)
                code, out, err, _ = export(server, pathlib.Path(tmp, "out"), "--ca-file",
                                           server.cert, "--client-id", "client-" + alg,
                                           "--private-key", str(keys / key_name))
                self.assertEqual(code, 0, out + err)
                self.assertIn("outcome: Success", out)
                self.assertIn("SMART Backend Services: client client-" + alg + ", " + alg, out)
                journal = server.journal()["entries"]
                _, verdict = server.admin("verdict")
        tokens = [e for e in journal if e["endpoint"] == "token"]
        self.assertGreaterEqual(len(tokens), 2, "the 10-minute job outlives a 5-minute token")
        for t in tokens:
            self.assertEqual(t["status"], 200, t)
            self.assertEqual(t["token_request"]["alg"], alg)
            self.assertNotIn("error", t["token_request"])
        self.assertEqual(len({t["token_request"]["jti"] for t in tokens}), len(tokens))
        protected = [e for e in journal if "bearer" in e]
        self.assertTrue(protected)
        for e in protected:
            self.assertTrue(e["bearer"]["presented"], e)
            self.assertNotIn("error", e["bearer"], e)
        self.assertEqual(verdict["verdict"], "pass", json.dumps(verdict, indent=1)[:3000])
        rules = {r["id"]: r["outcome"] for r in verdict["rules"]}
        for rule in ("token-assertion-valid", "token-on-requests", "token-renewed-before-expiry",
                     "token-on-files"):
            self.assertEqual(rules[rule], "pass", rule)

    def test_es384_pem_key_over_tls_with_renewal(self):
        self.renewal_export("ES384", "private-key.pem")

    def test_rs384_jwk_key_over_tls_with_renewal(self):
        self.renewal_export("RS384", "private-key.jwk.json")

    def test_registration_by_url_and_by_admin_api(self):
        with harness.tempdir() as tmp:
            by_url = keygen(pathlib.Path(tmp, "url"), "ES384")
            by_admin = keygen(pathlib.Path(tmp, "admin"), "RS384")
            jwks_text = (by_url / "jwks.json").read_bytes()

            class Jwks(http.server.BaseHTTPRequestHandler):
                def do_GET(self):  # noqa: N802 (http.server's name)
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(jwks_text)))
                    self.end_headers()
                    self.wfile.write(jwks_text)

                def log_message(self, *a):
                    pass

            host = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
            threading.Thread(target=host.serve_forever, daemon=True).start()
            try:
                url = f"http://127.0.0.1:{host.server_address[1]}/jwks.json"
                with TlsAuthServer(tmp, "by-url", url, "--time-scale", "30") as server:
                    code, out, err, _ = export(server, pathlib.Path(tmp, "o1"), "--ca-file",
                                               server.cert, "--client-id", "by-url",
                                               "--private-key", str(by_url / "private-key.pem"))
                    self.assertEqual(code, 0, out + err)
                    status, reply = server.admin("clients", {
                        "client_id": "by-admin",
                        "jwks": json.loads((by_admin / "jwks.json").read_text())})
                    self.assertEqual(status, 200, reply)
                    code, out, err, _ = export(server, pathlib.Path(tmp, "o2"), "--ca-file",
                                               server.cert, "--client-id", "by-admin",
                                               "--private-key", str(by_admin / "private-key.pem"))
                    self.assertEqual(code, 0, out + err)
                    status, reply = server.admin("clients", {"client_id": "x"})
                    self.assertEqual(status, 400)
                    self.assertIn("exactly one of jwks", reply["error"])
            finally:
                host.shutdown()
                host.server_close()

    def test_refusals_say_why(self):
        with harness.tempdir() as tmp:
            good = keygen(pathlib.Path(tmp, "good"), "ES384")
            other = keygen(pathlib.Path(tmp, "other"), "ES384")
            with TlsAuthServer(tmp, "c1", good / "jwks.json", "--time-scale", "30") as server:
                # A key the server does not know: the token endpoint refuses, the export is
                # rejected before any kick-off.
                code, out, err, _ = export(server, pathlib.Path(tmp, "o1"), "--ca-file",
                                           server.cert, "--client-id", "c1", "--private-key",
                                           str(other / "private-key.pem"))
                self.assertEqual(code, 3, out + err)
                self.assertIn("invalid_client", out)
                self.assertIn("kid", out)
                # No SMART at all: the kick-off gets 401.
                code, out, err, _ = export(server, pathlib.Path(tmp, "o2"), "--ca-file",
                                           server.cert)
                self.assertEqual(code, 3, out + err)
                self.assertIn("401", out)
                # The certificate is verified unless --insecure says otherwise.
                code, out, err, _ = export(server, pathlib.Path(tmp, "o3"), "--client-id", "c1",
                                           "--private-key", str(good / "private-key.pem"))
                self.assertEqual(code, 11, out + err)
                self.assertIn("certificate verify failed", out)
                self.assertIn("--ca-file", out)
                code, out, err, _ = export(server, pathlib.Path(tmp, "o4"), "--insecure",
                                           "--client-id", "c1", "--private-key",
                                           str(good / "private-key.pem"))
                self.assertEqual(code, 0, out + err)
                self.assertIn("--insecure", out)

    def test_usage_errors(self):
        with harness.tempdir() as tmp:
            code, _, err, _ = harness.run([harness.BULKHARNESS, "serve", "--tls-cert-out",
                                           str(pathlib.Path(tmp, "c.pem"))], 30)
            self.assertEqual(code, 2)
            self.assertIn("--tls-cert-out: needs --tls", err)
            code, _, err, _ = harness.run([harness.BULKHARNESS, "serve", "--auth", "smart",
                                           "--client-id", "x", "--jwks",
                                           str(pathlib.Path(tmp, "missing.json"))], 30)
            self.assertEqual(code, 2)
            self.assertIn("cannot open", err)
            code, out, err, _ = harness.export("http://127.0.0.1:9/fhir", tmp, "--client-id", "x")
            self.assertEqual(code, 2, out + err)
            self.assertIn("--private-key", err)
            bad = pathlib.Path(tmp, "bad.pem")
            bad.write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
            code, out, err, _ = harness.export("http://127.0.0.1:9/fhir", tmp, "--client-id", "x",
                                               "--private-key", str(bad))
            self.assertEqual(code, 2, out + err)
            self.assertIn(str(bad), err)


if __name__ == "__main__":
    harness.main()
