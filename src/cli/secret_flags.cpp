#include <odoo_upgrade/cli/secret_flags.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace odoo_upgrade::cli {

std::shared_ptr<SecretFlag> add_secret_flag(CLI::App& sub,
                                            const std::string& name,
                                            const std::string& env,
                                            const std::string& help) {
  auto flag = std::make_shared<SecretFlag>();
  sub.add_option("--" + name,
                 flag->value,
                 help + " (or env " + env + ", or --" + name +
                     "-file: visible in ps when given on the command line)")
      ->envname(env);
  sub.add_option("--" + name + "-file",
                 flag->file,
                 "read --" + name + " from FILE (its content; keep it mode 0600)");
  return flag;
}

std::optional<std::string> secret_value(const SecretFlag& flag, const std::string& name) {
  if (!flag.value.empty() && !flag.file.empty()) {
    throw core::UsageError("--" + name + " and --" + name + "-file exclude each other",
                           "give the value once (the environment counts as --" + name + ")");
  }
  if (!flag.value.empty()) {
    return flag.value;
  }
  if (flag.file.empty()) {
    return std::nullopt;
  }
  std::ifstream in(flag.file);
  if (!in) {
    throw core::UsageError("--" + name + "-file '" + flag.file + "' cannot be read");
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string value = text.str();
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) {
    value.pop_back();
  }
  if (value.empty()) {
    throw core::UsageError("--" + name + "-file '" + flag.file + "' is empty");
  }
  return value;
}

std::optional<std::string> env_value(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::optional<std::string>(v) : std::nullopt;
}

} // namespace odoo_upgrade::cli
