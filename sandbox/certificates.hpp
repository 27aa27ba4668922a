#pragma once

#include <filesystem>

namespace odoo_upgrade::sandbox {

// The TLS files of one sandbox run.
struct TlsFiles {
  std::filesystem::path ca_cert;     // the throwaway CA (give it to clients: --ca-file)
  std::filesystem::path server_cert; // server certificate signed by the CA
  std::filesystem::path server_key;  // its private key (mode 0600)
};

// Generates a throwaway CA and a server certificate valid for 127.0.0.1, ::1 and localhost
// (subjectAltName), both EC P-256 and valid for 30 days, into `dir` as ca.pem, server.pem and
// server.key. The CA's private key is never written: nothing else can be signed with it.
// Throws std::runtime_error with OpenSSL's message on failure.
TlsFiles generate_tls_files(const std::filesystem::path& dir);

} // namespace odoo_upgrade::sandbox
