#include "certificates.hpp"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

namespace odoo_upgrade::sandbox {

namespace {

namespace fs = std::filesystem;

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Cert = std::unique_ptr<X509, X509Free>;
using Bio = std::unique_ptr<BIO, BioFree>;

[[noreturn]] void fail(const std::string& what) {
  unsigned long code = ERR_get_error();
  char buf[256] = {0};
  if (code != 0) {
    ERR_error_string_n(code, buf, sizeof buf);
  }
  throw std::runtime_error("cannot " + what + (code != 0 ? std::string(": ") + buf : ""));
}

void check(int ok, const std::string& what) {
  if (ok != 1) {
    fail(what);
  }
}

Pkey make_key() {
  Pkey key(EVP_EC_gen("P-256"));
  if (!key) {
    fail("generate an EC key");
  }
  return key;
}

void set_random_serial(X509* cert) {
  std::unique_ptr<BIGNUM, decltype(&BN_free)> bn(BN_new(), BN_free);
  check(BN_rand(bn.get(), 120, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY), "generate a serial");
  if (BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) == nullptr) {
    fail("set the certificate serial");
  }
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) {
    fail(std::string("build certificate extension ") + OBJ_nid2sn(nid));
  }
  int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  check(ok, "add a certificate extension");
}

Cert make_cert(EVP_PKEY* key, const char* common_name, X509* issuer) {
  Cert cert(X509_new());
  if (!cert) {
    fail("allocate a certificate");
  }
  check(X509_set_version(cert.get(), 2), "set the certificate version");
  set_random_serial(cert.get());
  // Valid from an hour ago (clock skew between processes does not matter on one host, but a
  // certificate "not yet valid" by a second would be a confusing failure).
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 30L * 24 * 3600);
  check(X509_set_pubkey(cert.get(), key), "set the certificate key");
  X509_NAME* name = X509_get_subject_name(cert.get());
  check(X509_NAME_add_entry_by_txt(name,
                                   "O",
                                   MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("odoo-upgrade sandbox"),
                                   -1,
                                   -1,
                                   0),
        "set the certificate subject");
  check(
      X509_NAME_add_entry_by_txt(
          name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0),
      "set the certificate subject");
  X509* signer = issuer != nullptr ? issuer : cert.get();
  check(X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)),
        "set the certificate issuer");
  return cert;
}

void write_pem(const fs::path& path, X509* cert, EVP_PKEY* key) {
  Bio bio(BIO_new_file(path.c_str(), "w"));
  if (!bio) {
    fail("create '" + path.string() + "'");
  }
  if (cert != nullptr) {
    check(PEM_write_bio_X509(bio.get(), cert), "write '" + path.string() + "'");
  }
  if (key != nullptr) {
    fs::permissions(
        path, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
    check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr),
          "write '" + path.string() + "'");
  }
}

} // namespace

TlsFiles generate_tls_files(const fs::path& dir) {
  fs::create_directories(dir);
  Pkey ca_key = make_key();
  Cert ca = make_cert(ca_key.get(), "odoo-upgrade sandbox throwaway CA", nullptr);
  add_extension(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
  add_extension(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
  if (X509_sign(ca.get(), ca_key.get(), EVP_sha256()) == 0) {
    fail("sign the CA certificate");
  }

  Pkey server_key = make_key();
  Cert server = make_cert(server_key.get(), "127.0.0.1", ca.get());
  add_extension(server.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(server.get(), ca.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(server.get(), ca.get(), NID_ext_key_usage, "serverAuth");
  add_extension(server.get(), ca.get(), NID_subject_alt_name, "IP:127.0.0.1,IP:::1,DNS:localhost");
  add_extension(server.get(), ca.get(), NID_subject_key_identifier, "hash");
  add_extension(server.get(), ca.get(), NID_authority_key_identifier, "keyid:always");
  if (X509_sign(server.get(), ca_key.get(), EVP_sha256()) == 0) {
    fail("sign the server certificate");
  }

  TlsFiles files{dir / "ca.pem", dir / "server.pem", dir / "server.key"};
  write_pem(files.ca_cert, ca.get(), nullptr);
  write_pem(files.server_cert, server.get(), nullptr);
  write_pem(files.server_key, nullptr, server_key.get());
  return files;
}

} // namespace odoo_upgrade::sandbox
