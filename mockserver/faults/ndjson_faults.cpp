// Broken NDJSON files: a JSON array instead of lines, a truncated last line, blank lines, CRLF,
// invalid UTF-8, a resourceType that is not the manifest's type, a line longer than a client's
// limit, gzip with and without Content-Encoding, a wrong Content-Type. Each rewrites a 200 file
// body (materialised, bounded) and declines on any other answer.
#include <zlib.h>

#include "mockserver/faults/families.hpp"
#include "mockserver/faults/fault_support.hpp"

namespace bh::mockserver {

namespace {

std::vector<std::string> split_lines(const std::string& body) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < body.size()) {
    auto nl = body.find('\n', pos);
    if (nl == std::string::npos) nl = body.size();
    lines.push_back(body.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return lines;
}

std::string join_lines(const std::vector<std::string>& lines, const char* sep = "\n") {
  std::string out;
  for (const auto& l : lines)
    out += l + sep;
  return out;
}

// 1-based line `n`, clamped to the file (0 lines: nullptr).
std::string* line_at(std::vector<std::string>& lines, std::int64_t n) {
  if (lines.empty()) return nullptr;
  const auto i = static_cast<std::size_t>(
      std::clamp<std::int64_t>(n, 1, static_cast<std::int64_t>(lines.size())));
  return &lines[i - 1];
}

Result<std::string> gzip(const std::string& in) {
  z_stream z{};
  // windowBits 15 + 16: a gzip header and trailer rather than a bare zlib stream.
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return make_error("gzip", "deflateInit2 failed");
  std::string out(deflateBound(&z, static_cast<uLong>(in.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return make_error("gzip", "deflate did not finish");
  return out;
}

// A kind that rewrites the file body; `edit` returns false to decline (nothing to edit).
FaultKind body_kind(std::string id, std::string summary, std::vector<std::string> reqs,
                    std::vector<ParamSpec> params,
                    std::function<bool(const ParamValues&, protocol::Response&)> edit) {
  return {std::move(id),
          "ndjson",
          std::move(summary),
          std::move(reqs),
          {"file"},
          std::move(params),
          fn_kind([edit](const ParamValues& v) {
            return edit_answer(200, [v, edit](FaultContext&, protocol::Response& r) {
              return drain_body(r).ok() && edit(v, r);
            });
          })};
}

// A kind that rewrites the lines of the file.
FaultKind lines_kind(
    std::string id, std::string summary, std::vector<std::string> reqs,
    std::vector<ParamSpec> params,
    std::function<bool(const ParamValues&, std::vector<std::string>&, std::string&)> edit) {
  return body_kind(std::move(id), std::move(summary), std::move(reqs), std::move(params),
                   [edit](const ParamValues& v, protocol::Response& r) {
                     auto lines = split_lines(r.body);
                     if (lines.empty()) return false;
                     std::string out;
                     if (!edit(v, lines, out)) return false;
                     r.body = std::move(out);
                     return true;
                   });
}

ParamSpec line_param() {
  return {"line", ParamType::kInteger, 1, "which line (1-based; past the end: the last)", {}, 1,
          1e12};
}

}  // namespace

void add_ndjson_faults(std::vector<FaultKind>& kinds) {
  kinds.push_back(
      lines_kind("ndjson-json-array", "the file is one JSON array of resources instead of NDJSON",
                 {"DL-13", "DL-03"}, {}, [](const ParamValues&, auto& lines, std::string& out) {
                   out = "[" + join_lines(lines, ",");
                   out.back() = ']';
                   out += "\n";
                   return true;
                 }));
  kinds.push_back(lines_kind("ndjson-truncated-last-line",
                             "the last line stops half-way, with no newline", {"DL-13"}, {},
                             [](const ParamValues&, auto& lines, std::string& out) {
                               std::string& last = lines.back();
                               last.resize(last.size() / 2);
                               out = join_lines(lines);
                               out.pop_back();
                               return true;
                             }));
  kinds.push_back(lines_kind(
      "ndjson-blank-lines",
      "empty lines between records and at the end (valid: readers SHOULD skip them)", {"DL-13"},
      {{"every", ParamType::kInteger, 2, "a blank line after every N records", {}, 1, 1e9}},
      [](const ParamValues& v, auto& lines, std::string& out) {
        const auto every = static_cast<std::size_t>(v.integer("every"));
        for (std::size_t i = 0; i < lines.size(); ++i)
          out += lines[i] + ((i + 1) % every == 0 ? "\n\n" : "\n");
        out += "\n";
        return true;
      }));
  kinds.push_back(lines_kind("ndjson-crlf",
                             "every line ends with CRLF (valid: \\r may precede \\n)", {"DL-13"},
                             {}, [](const ParamValues&, auto& lines, std::string& out) {
                               out = join_lines(lines, "\r\n");
                               return true;
                             }));
  kinds.push_back(lines_kind(
      "ndjson-invalid-utf8", "one line carries a byte sequence that is not UTF-8 inside a string",
      {"DL-13"}, {line_param()}, [](const ParamValues& v, auto& lines, std::string& out) {
        std::string* l = line_at(lines, v.integer("line"));
        auto quote = l->find("\":\"");
        if (quote == std::string::npos) return false;
        l->insert(quote + 3, "\xC3\x28\xFF");
        out = join_lines(lines);
        return true;
      }));
  kinds.push_back(lines_kind(
      "ndjson-wrong-resource-type", "one line's resourceType is not the manifest item's type",
      {"DL-08", "MF-04"},
      {line_param(), {"type", ParamType::kString, "Basic", "the resourceType written instead"}},
      [](const ParamValues& v, auto& lines, std::string& out) {
        std::string* l = line_at(lines, v.integer("line"));
        const std::string key = "\"resourceType\":\"";
        auto at = l->find(key);
        if (at == std::string::npos) return false;
        auto end = l->find('"', at + key.size());
        l->replace(at + key.size(), end - at - key.size(), v.text("type"));
        out = join_lines(lines);
        return true;
      }));
  kinds.push_back(lines_kind(
      "ndjson-long-line",
      "one resource padded with a text field until its line is `bytes` long (the reference "
      "client's limit is 64 MiB)",
      {"DL-13"},
      {line_param(), {"bytes", ParamType::kInteger, 67108865, "the line's length", {}, 64, 200e6}},
      [](const ParamValues& v, auto& lines, std::string& out) {
        std::string* l = line_at(lines, v.integer("line"));
        const auto want = static_cast<std::size_t>(v.integer("bytes"));
        const std::string head = ",\"_padding\":\"";
        if (l->size() + head.size() + 2 < want) {
          l->pop_back();  // the closing brace
          *l += head + std::string(want - l->size() - head.size() - 2, 'x') + "\"}";
        }
        out = join_lines(lines);
        return true;
      }));
  kinds.push_back(body_kind(
      "ndjson-gzip",
      "the file is gzip-compressed, with Content-Encoding: gzip or (a server bug) without it; "
      "a client that did not offer gzip in Accept-Encoding should not have been sent either",
      {"DL-09"}, {{"content_encoding", ParamType::kBoolean, true, "say Content-Encoding: gzip"}},
      [](const ParamValues& v, protocol::Response& r) {
        auto packed = gzip(r.body);
        if (!packed) return false;
        r.body = std::move(*packed);
        if (v.flag("content_encoding")) r.headers.set("Content-Encoding", "gzip");
        return true;
      }));
  kinds.push_back({"file-content-type",
                   "ndjson",
                   "the file is served with another Content-Type (the body is unchanged)",
                   {"DL-03"},
                   {"file"},
                   {{"value", ParamType::kString, "application/json", "the Content-Type sent"}},
                   fn_kind([](const ParamValues& v) {
                     return edit_answer(
                         200, [type = v.text("value")](FaultContext&, protocol::Response& r) {
                           r.headers.set("Content-Type", type);
                           return true;
                         });
                   })});
}

}  // namespace bh::mockserver
