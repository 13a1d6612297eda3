// mockserver/net/beast_message: from Beast's parsed requests to the protocol core's.
//
// Contract: to_protocol_request moves a parsed Beast request into a protocol::Request (method
// as received, origin-form target, every header in order, the body, the peer as client_id).
// The session and fuzz_http_server both go through it, so what the fuzzer checks is what the
// server sees. (Responses go out through mockserver/response_head, not Beast's serializer.)
#pragma once

#include <string>
#include <utility>

#include <boost/beast/http.hpp>

#include "protocol/http.hpp"

namespace bh::mockserver {

template <class Body>
protocol::Request to_protocol_request(boost::beast::http::request<Body>&& req,
                                      std::string client_id) {
  protocol::Request request;
  request.method = std::string(req.method_string());
  request.target = std::string(req.target());
  for (const auto& field : req)
    request.headers.add(std::string(field.name_string()), std::string(field.value()));
  request.body = std::move(req.body());
  request.client_id = std::move(client_id);
  return request;
}

}  // namespace bh::mockserver
