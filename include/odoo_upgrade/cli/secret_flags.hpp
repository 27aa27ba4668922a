#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>

// Secrets on the command line are visible to every user in `ps` while the command runs: each flag
// that can carry one (--db with a password, --contract) also comes from a file or the environment.
namespace odoo_upgrade::cli {

// Where a secret value of one flag came from: the flag, its environment variable (CLI11 fills the
// same string) or its `-file` companion.
struct SecretFlag {
  std::string value;
  std::string file;
};

// Binds `--<name>` (also from the environment variable `env`) and `--<name>-file FILE` (the value
// is the file's content without its trailing newlines) to one SecretFlag; the help says so.
std::shared_ptr<SecretFlag> add_secret_flag(CLI::App& sub,
                                            const std::string& name,
                                            const std::string& env,
                                            const std::string& help);

// The value: the flag's (or the environment's), else the file's content, else std::nullopt.
// Throws UsageError (exit 2) when both are given, or when the file cannot be read or is empty.
std::optional<std::string> secret_value(const SecretFlag& flag, const std::string& name);

// The value of the environment variable `name`; std::nullopt when it is unset or empty.
std::optional<std::string> env_value(const char* name);

// For a command that may reach the upgrade service without the request commands' flags (status,
// log): its options' `token` from `token` (see secret_value) and the service overrides from the
// environment variables the request commands also read (ODOO_UPGRADE_SERVICE_URL, _CA_FILE,
// _DATA_SERVER_USER).
template <typename Options>
void take_service_lookup(Options& o, const SecretFlag& token) {
  if (auto value = secret_value(token, "token")) {
    o.token = *value;
  }
  o.service_url = env_value("ODOO_UPGRADE_SERVICE_URL");
  o.ca_file = env_value("ODOO_UPGRADE_CA_FILE");
  o.data_server_user = env_value("ODOO_UPGRADE_DATA_SERVER_USER");
}

} // namespace odoo_upgrade::cli
