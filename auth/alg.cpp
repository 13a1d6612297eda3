#include "auth/alg.hpp"

#include <string>

namespace bh::auth {

std::string_view to_string(Alg alg) {
  return alg == Alg::kRS384 ? "RS384" : "ES384";
}

Result<Alg> parse_alg(std::string_view text) {
  if (text == "RS384") return Alg::kRS384;
  if (text == "ES384") return Alg::kES384;
  return make_error("alg", "is not a supported signing algorithm", "RS384 or ES384",
                    "\"" + std::string(text) + "\"");
}

}  // namespace bh::auth
