#include <odoo_upgrade/adapters/http/global.hpp>

#include <curl/curl.h>

namespace odoo_upgrade::adapters::http {

void global_init() {
  static const bool k_done = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  (void)k_done;
}

} // namespace odoo_upgrade::adapters::http
