#pragma once

// SHA-256 through libcrypto's EVP interface (loaded on first use: libcrypto_symbols.cpp), for the
// files of adapters/fs only.
#include <openssl/evp.h>

#include <array>
#include <cstddef>
#include <memory>
#include <string>

namespace odoo_upgrade::adapters::fs {

class Sha256 {
public:
  Sha256() : m_ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    EVP_DigestInit_ex(m_ctx.get(), EVP_sha256(), nullptr);
  }
  void update(const void* data, std::size_t size) { EVP_DigestUpdate(m_ctx.get(), data, size); }
  std::string hex() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned len = 0;
    EVP_DigestFinal_ex(m_ctx.get(), md.data(), &len);
    static const char* k_hex = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
      out.push_back(k_hex[md[i] >> 4]);
      out.push_back(k_hex[md[i] & 15]);
    }
    return out;
  }

private:
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> m_ctx;
};

} // namespace odoo_upgrade::adapters::fs
