#include "auth/key_file.hpp"

#include <fstream>
#include <sstream>

namespace bh::auth {

Result<std::shared_ptr<const SigningKey>> load_key_file(const std::string& flag,
                                                        const std::string& path) {
  const std::string where = flag + " " + path;
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(where, "cannot open the file", "a PEM or JWK private key file");
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > (1u << 20)) return make_error(where, "larger than 1 MiB");
  auto key = SigningKey::load(text.str(), where);
  if (!key) return key.error();
  return std::make_shared<const SigningKey>(std::move(*key));
}

}  // namespace bh::auth
