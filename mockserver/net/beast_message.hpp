// mockserver/net/beast_message: between Beast's messages and the protocol core's, both ways.
//
// Contract: to_protocol_request moves a parsed Beast request into a protocol::Request (method
// as received, origin-form target, every header in order, the body, the peer as client_id).
// fill_beast_head sets a Beast response's status line and copies every protocol header onto it,
// plus our Server header. The session and fuzz_http_server both go through these, so what the
// fuzzer checks is exactly what goes on the wire.
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

template <class Message>
void fill_beast_head(const protocol::Response& from, Message& to) {
  to.result(static_cast<unsigned>(from.status));
  to.version(11);
  for (const auto& h : from.headers)
    to.insert(h.name, h.value);
  to.set(boost::beast::http::field::server, "bulkharness");
}

}  // namespace bh::mockserver
