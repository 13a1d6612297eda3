// `bulkharness keygen`: a SMART Backend Services key pair for a client (AUTH-09).
//
// Writes DIR/private-key.pem (PKCS#8), DIR/private-key.jwk.json and DIR/jwks.json (the public
// JWKS to register: `serve --client-id ID --jwks DIR/jwks.json`, or any server's registration),
// then prints the kid and the flags that use them. Files are written with mode 0600 for the
// private parts. Exit 0, 1 when a file cannot be written, 2 for a usage error.
#include <sys/stat.h>

#include <fstream>
#include <iostream>

#include "app/args.hpp"
#include "app/commands.hpp"
#include "auth/jwks.hpp"
#include "auth/signing_key.hpp"
#include "core/atomic_file.hpp"

namespace bh::app {

namespace {
// A private key is created 0600, never briefly readable by others, and never left half written.
Status write_file(const std::string& path, const std::string& text, bool secret) {
  return write_file_atomically(path, text, secret ? 0600 : 0644);
}
}  // namespace

int keygen_command(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
  auto args = Args::parse(argv, {"--alg", "--out", "--kid"}, {});
  if (!args) {
    err << "bulkharness keygen: " << args.error().message() << "\n";
    return 2;
  }
  auto alg = auth::parse_alg(args->get("--alg").value_or("ES384"));
  if (!alg) {
    err << "bulkharness keygen: --alg: " << alg.error().message() << "\n";
    return 2;
  }
  const auto dir = args->get("--out");
  if (!dir) {
    err << "bulkharness keygen: --out DIR is required\n";
    return 2;
  }
  ::mkdir(dir->c_str(), 0700);
  auto key = auth::SigningKey::generate(*alg, args->get("--kid").value_or(""));
  if (!key) {
    err << "bulkharness keygen: " << key.error().message() << "\n";
    return 1;
  }
  const std::string pem = *dir + "/private-key.pem";
  const std::string jwk = *dir + "/private-key.jwk.json";
  const std::string jwks = *dir + "/jwks.json";
  for (auto st : {write_file(pem, key->private_pem(), true),
                  write_file(jwk, key->private_jwk().dump(2) + "\n", true),
                  write_file(jwks, auth::Jwks::of({*key}).to_json().dump(2) + "\n", false)}) {
    if (!st) {
      err << "bulkharness keygen: " << st.error().message() << "\n";
      return 1;
    }
  }
  out << "alg " << auth::to_string(key->alg()) << ", kid " << key->kid() << "\n"
      << "private key: " << pem << " (also as a JWK: " << jwk << ")\n"
      << "public JWKS: " << jwks << "\n"
      << "use: bulkharness serve --auth smart --client-id ID --jwks " << jwks << "\n"
      << "     bulkharness export --client-id ID --private-key " << pem << " ...\n";
  return 0;
}

}  // namespace bh::app
