#include "jsonrpc.hpp"

namespace odoo_upgrade::sandbox {

using nlohmann::json;

CallParse parse_call(std::string_view body) {
  CallParse out;
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) {
    out.error = server_error("werkzeug.exceptions.BadRequest",
                             "400 Bad Request: Invalid JSON data: the request body is not JSON");
    return out;
  }
  if (!j.is_object()) {
    out.error = server_error("werkzeug.exceptions.BadRequest",
                             "400 Bad Request: Invalid JSON-RPC data: expected an object");
    return out;
  }
  Call call;
  call.id = j.contains("id") ? j["id"] : json(nullptr);
  call.params = j.contains("params") ? j["params"] : json::object();
  out.call = std::move(call);
  return out;
}

std::string result_body(const json& id, const json& result) {
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"result", result}}.dump();
}

std::string error_body(const json& id, const ApiError& error) {
  if (error.kind == ApiError::Kind::application) {
    return result_body(id, json{{"error", error.message}});
  }
  json data = {{"name", error.name},
               {"debug", ""},
               {"message", error.message},
               {"arguments", json::array({error.message})},
               {"context", json::object()}};
  return json{{"jsonrpc", "2.0"},
              {"id", id},
              {"error", {{"code", 200}, {"message", "Odoo Server Error"}, {"data", data}}}}
      .dump();
}

} // namespace odoo_upgrade::sandbox
