// The libcrypto functions odoo-upgrade calls (SHA-256 of dumps and files), defined here as
// forwarders to libcrypto.so.3 opened on first use (see
// <odoo_upgrade/adapters/shared_library.hpp>). Each definition is checked against <openssl/evp.h>'s
// declaration by the compiler.
#include <odoo_upgrade/adapters/shared_library.hpp>

#include <openssl/evp.h>

namespace {

const odoo_upgrade::adapters::SharedLibrary& libcrypto() {
  static const odoo_upgrade::adapters::SharedLibrary k_library(
      "libcrypto.so.3", "the OpenSSL crypto library", "libssl3");
  return k_library;
}

} // namespace

#define OU_FORWARD(ret, name, params, args) OU_FORWARD_TO(libcrypto, ret, name, params, args)

extern "C" {

OU_FORWARD(EVP_MD_CTX*, EVP_MD_CTX_new, (void), ())
OU_FORWARD(void, EVP_MD_CTX_free, (EVP_MD_CTX * ctx), (ctx))
OU_FORWARD(const EVP_MD*, EVP_sha256, (void), ())
OU_FORWARD(int,
           EVP_DigestInit_ex,
           (EVP_MD_CTX * ctx, const EVP_MD* type, ENGINE* impl),
           (ctx, type, impl))
OU_FORWARD(int,
           EVP_DigestUpdate,
           (EVP_MD_CTX * ctx, const void* data, size_t size),
           (ctx, data, size))
OU_FORWARD(int,
           EVP_DigestFinal_ex,
           (EVP_MD_CTX * ctx, unsigned char* md, unsigned int* size),
           (ctx, md, size))

} // extern "C"
