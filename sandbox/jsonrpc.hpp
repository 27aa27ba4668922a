#pragma once

#include "model.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

// The JSON-RPC envelope of Odoo's `type='json'` routes, as the upgrade platform uses it.
namespace odoo_upgrade::sandbox {

// A parsed call: the envelope's `id` (echoed back) and its `params`.
struct Call {
  nlohmann::json id;
  nlohmann::json params;
};

struct CallParse {
  std::optional<Call> call;
  std::optional<ApiError> error; // a server error when the body is not a JSON-RPC call
};

// Parses a request body. A body that is not JSON, or not an object, is a server error (Odoo
// answers those through its JSON-RPC error channel too). A missing `params` is an empty object.
CallParse parse_call(std::string_view body);

// {"jsonrpc": "2.0", "id": id, "result": result}
std::string result_body(const nlohmann::json& id, const nlohmann::json& result);
// An application error inside `result`, or an Odoo server error in `error` (see ApiError).
std::string error_body(const nlohmann::json& id, const ApiError& error);

} // namespace odoo_upgrade::sandbox
