// auth/key_file: a client's private key read from a file given on the command line.
//
// Contract: reads at most 1 MiB from `path` and loads it as a PEM or JWK private key
// (auth/signing_key); errors name the flag, the path and what was wrong.
#pragma once

#include <memory>
#include <string>

#include "auth/signing_key.hpp"
#include "core/result.hpp"

namespace bh::auth {

Result<std::shared_ptr<const SigningKey>> load_key_file(const std::string& flag,
                                                        const std::string& path);

}  // namespace bh::auth
