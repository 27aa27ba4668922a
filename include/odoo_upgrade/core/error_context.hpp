#pragma once

#include <odoo_upgrade/core/error.hpp>

#include <string>

// Context added to an error by a caller that knows more than the code that threw it.
namespace odoo_upgrade::core {

// Runs `fn` and rethrows a DatabaseError it throws with `context` before its message, its hint
// kept ("test database 'acme_test': query failed: …"): for a caller that knows which of several
// databases failed. A message that already starts with `context` is not prefixed twice.
template <typename F>
decltype(auto) in_database(const std::string& context, F&& fn) {
  try {
    return fn();
  } catch (const DatabaseError& e) {
    std::string message = e.what();
    if (message.rfind(context + ": ", 0) == 0) {
      throw;
    }
    throw DatabaseError(context + ": " + message, e.hint());
  }
}

} // namespace odoo_upgrade::core
