// The libcurl functions odoo-upgrade calls, defined here as forwarders to libcurl.so.4 opened on
// first use (see <odoo_upgrade/adapters/shared_library.hpp>: commands that never make an HTTP
// request do not load libcurl and its dependency tree: TLS, Kerberos, LDAP, SSH, IDN…). Each
// definition is checked against <curl/curl.h>'s declaration by the compiler.
//
// curl's type-checking macros would rename the two variadic functions defined here.
#define CURL_DISABLE_TYPECHECK
#include <odoo_upgrade/adapters/shared_library.hpp>

#include <curl/curl.h>

#include <cstdarg>

namespace {

const odoo_upgrade::adapters::SharedLibrary& libcurl() {
  static const odoo_upgrade::adapters::SharedLibrary k_library(
      "libcurl.so.4", "the curl HTTP library", "libcurl4");
  return k_library;
}

using SetoptFunction = CURLcode (*)(CURL*, CURLoption, ...);
using GetinfoFunction = CURLcode (*)(CURL*, CURLINFO, ...);
using Callback = void (*)();

} // namespace

#define OU_FORWARD(ret, name, params, args) OU_FORWARD_TO(libcurl, ret, name, params, args)

extern "C" {

OU_FORWARD(CURLcode, curl_global_init, (long flags), (flags))
OU_FORWARD(CURL*, curl_easy_init, (void), ())
OU_FORWARD(void, curl_easy_cleanup, (CURL * curl), (curl))
OU_FORWARD(void, curl_easy_reset, (CURL * curl), (curl))
OU_FORWARD(CURLcode, curl_easy_perform, (CURL * curl), (curl))
OU_FORWARD(const char*, curl_easy_strerror, (CURLcode code), (code))
OU_FORWARD(char*,
           curl_easy_escape,
           (CURL * curl, const char* string, int length),
           (curl, string, length))
OU_FORWARD(void, curl_free, (void* ptr), (ptr))
OU_FORWARD(curl_slist*, curl_slist_append, (curl_slist * list, const char* data), (list, data))
OU_FORWARD(void, curl_slist_free_all, (curl_slist * list), (list))

// The one argument after `option` has the type curl.h gives the option's range: a long, an object
// pointer, a function pointer, a curl_off_t, or a blob pointer (CURLOPTTYPE_*, curl's own switch).
CURLcode curl_easy_setopt(CURL* curl, CURLoption option, ...) {
  static const auto fn = libcurl().function<SetoptFunction>("curl_easy_setopt");
  va_list arg;
  va_start(arg, option);
  CURLcode code = CURLE_OK;
  if (option < CURLOPTTYPE_OBJECTPOINT) {
    code = fn(curl, option, va_arg(arg, long));
  } else if (option < CURLOPTTYPE_FUNCTIONPOINT) {
    code = fn(curl, option, va_arg(arg, void*));
  } else if (option < CURLOPTTYPE_OFF_T) {
    code = fn(curl, option, va_arg(arg, Callback));
  } else if (option < CURLOPTTYPE_BLOB) {
    code = fn(curl, option, va_arg(arg, curl_off_t));
  } else {
    code = fn(curl, option, va_arg(arg, void*));
  }
  va_end(arg);
  return code;
}

// Every CURLINFO_* takes a pointer to where the value is written.
CURLcode curl_easy_getinfo(CURL* curl, CURLINFO info, ...) {
  static const auto fn = libcurl().function<GetinfoFunction>("curl_easy_getinfo");
  va_list arg;
  va_start(arg, info);
  const CURLcode code = fn(curl, info, va_arg(arg, void*));
  va_end(arg);
  return code;
}

} // extern "C"
