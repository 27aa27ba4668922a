#include <odoo_upgrade/adapters/odoo/invocation.hpp>

#include <cctype>

namespace odoo_upgrade::adapters::odoo {

namespace {

std::string join(const std::vector<std::string>& items, char sep) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) {
      out.push_back(sep);
    }
    out += i;
  }
  return out;
}

// The interpreter, odoo-bin (and for `shell` its subcommand, which must come first), the
// configuration file, then what every process shares.
Invocation base_invocation(const core::OdooSettings& s,
                           const OdooConnection& conn,
                           const char* subcommand = nullptr) {
  Invocation inv;
  inv.argv = {s.python_or_default(), s.odoo_bin};
  if (subcommand != nullptr) {
    inv.argv.emplace_back(subcommand);
  }
  if (!s.config_file.empty()) {
    inv.argv.push_back("--config=" + s.config_file);
  } else {
    // No ~/.odoorc of whoever runs odoo-upgrade: its db_name would make the server load (or
    // create) another database.
    inv.env.emplace_back("ODOO_RC", "/dev/null");
  }
  if (!s.addons_paths.empty()) {
    inv.argv.push_back("--addons-path=" + join(s.addons_paths, ','));
  }
  if (!conn.host.empty()) {
    inv.argv.push_back("--db_host=" + conn.host);
  }
  if (!conn.port.empty()) {
    inv.argv.push_back("--db_port=" + conn.port);
  }
  if (!conn.sslmode.empty()) {
    inv.argv.push_back("--db_sslmode=" + conn.sslmode);
  }
  inv.argv.push_back("--db_user=" + conn.user);
  inv.argv.push_back("--data-dir=" + conn.data_dir.string());
  inv.argv.emplace_back("--max-cron-threads=0");
  if (conn.password) {
    inv.env.emplace_back("PGPASSWORD", *conn.password);
  }
  for (const auto& [name, value] : s.env) {
    inv.env.emplace_back(name, value);
  }
  // With ODOO_PY_COLORS set, Odoo colours its log even in a file, and the log would not parse.
  inv.unset_env.emplace_back("ODOO_PY_COLORS");
  return inv;
}

void add_extra_args(Invocation& inv, const core::OdooSettings& s) {
  inv.argv.insert(inv.argv.end(), s.extra_args.begin(), s.extra_args.end());
}

} // namespace

Invocation python_invocation(const core::OdooSettings& s, std::vector<std::string> args) {
  Invocation inv;
  inv.argv = {s.python_or_default()};
  inv.argv.insert(inv.argv.end(), args.begin(), args.end());
  for (const auto& [name, value] : s.env) {
    inv.env.emplace_back(name, value);
  }
  inv.env.emplace_back("ODOO_RC", "/dev/null");
  return inv;
}

Invocation version_invocation(const core::OdooSettings& s) {
  return python_invocation(s, {s.odoo_bin, "--version"});
}

namespace {

Invocation module_invocation(const core::OdooSettings& s,
                             const OdooConnection& conn,
                             const std::string& db,
                             const std::string& option,
                             const std::vector<std::string>& modules,
                             const std::filesystem::path& logfile) {
  Invocation inv = base_invocation(s, conn);
  inv.argv.insert(inv.argv.end(),
                  {"--database=" + db,
                   option + join(modules, ','),
                   "--stop-after-init",
                   "--no-http",
                   "--log-level=info",
                   "--logfile=" + logfile.string()});
  add_extra_args(inv, s);
  return inv;
}

} // namespace

Invocation install_invocation(const core::OdooSettings& s,
                              const OdooConnection& conn,
                              const std::string& db,
                              const std::vector<std::string>& modules,
                              const std::filesystem::path& logfile) {
  return module_invocation(s, conn, db, "--init=", modules, logfile);
}

Invocation update_invocation(const core::OdooSettings& s,
                             const OdooConnection& conn,
                             const std::string& db,
                             const std::vector<std::string>& modules,
                             const std::filesystem::path& logfile) {
  return module_invocation(s, conn, db, "--update=", modules, logfile);
}

Invocation shell_invocation(const core::OdooSettings& s,
                            const OdooConnection& conn,
                            const std::string& db,
                            const std::filesystem::path& logfile,
                            const std::vector<std::pair<std::string, std::string>>& env) {
  Invocation inv = base_invocation(s, conn, "shell");
  inv.argv.insert(inv.argv.end(),
                  {"--database=" + db, "--no-http", "--logfile=" + logfile.string()});
  add_extra_args(inv, s);
  inv.env.insert(inv.env.end(), env.begin(), env.end());
  return inv;
}

Invocation server_invocation(const core::OdooSettings& s,
                             const OdooConnection& conn,
                             const std::string& db,
                             int port,
                             const std::filesystem::path& logfile) {
  Invocation inv = base_invocation(s, conn);
  inv.argv.insert(inv.argv.end(),
                  {"--db-filter=" + db_filter_for(db),
                   "--http-interface=127.0.0.1",
                   "--http-port=" + std::to_string(port),
                   "--workers=0",
                   "--logfile=" + logfile.string()});
  add_extra_args(inv, s);
  return inv;
}

std::string db_filter_for(const std::string& db) {
  std::string out = "^";
  for (char c : db) {
    if (c == '%') {
      out += "%%";
    } else if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_') {
      out.push_back(c);
    } else {
      out.push_back('\\');
      out.push_back(c);
    }
  }
  return out + "$";
}

std::optional<std::string> series_of_version_output(const std::string& out) {
  constexpr std::string_view k_prefix = "Odoo Server ";
  auto at = out.find(k_prefix);
  if (at == std::string::npos) {
    return std::nullopt;
  }
  std::size_t i = at + k_prefix.size();
  std::size_t start = i;
  if (out.compare(i, 5, "saas~") == 0) {
    i += 5;
  }
  auto digits = [&]() {
    std::size_t from = i;
    while (i < out.size() && std::isdigit(static_cast<unsigned char>(out[i])) != 0) {
      ++i;
    }
    return i > from;
  };
  if (!digits() || i >= out.size() || out[i] != '.') {
    return std::nullopt;
  }
  ++i;
  if (!digits()) {
    return std::nullopt;
  }
  return out.substr(start, i - start);
}

} // namespace odoo_upgrade::adapters::odoo
