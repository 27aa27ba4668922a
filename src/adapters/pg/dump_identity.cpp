#include <odoo_upgrade/adapters/pg/dump_identity.hpp>
#include <odoo_upgrade/adapters/process.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/odoo_version.hpp>

#include <nlohmann/json.hpp>

#include <fstream>

namespace odoo_upgrade::adapters::pg {

namespace stdfs = std::filesystem;

namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::vector<std::string_view> split(std::string_view s, std::string_view sep) {
  std::vector<std::string_view> parts;
  for (;;) {
    auto at = s.find(sep);
    parts.push_back(s.substr(0, at));
    if (at == std::string_view::npos) {
      return parts;
    }
    s.remove_prefix(at + sep.size());
  }
}

std::string unquote(std::string_view name) {
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    name = name.substr(1, name.size() - 2);
  }
  return std::string(name);
}

// The value of `column` in a COPY data row, or "" (also for NULL).
std::string field(const std::vector<std::string>& columns,
                  const std::vector<std::string_view>& values,
                  std::string_view column) {
  for (std::size_t i = 0; i < columns.size() && i < values.size(); ++i) {
    if (columns[i] == column) {
      return values[i] == "\\N" ? std::string() : std::string(values[i]);
    }
  }
  return {};
}

// Streams the text of `argv`'s stdout through `scanner`.
void scan_output(const std::vector<std::string>& argv,
                 DumpTextScanner& scanner,
                 const stdfs::path& given) {
  ProcessOptions opts;
  opts.keep_bytes = 4096;
  opts.on_stdout_line = [&](std::string_view l) { scanner.line(l); };
  auto r = run_process(argv, opts);
  if (!r.ok()) {
    throw core::UsageError("cannot read dump '" + given.string() + "' with " + argv.front() + " (" +
                           r.last_error_line() + ")");
  }
}

void scan_file(const stdfs::path& path, DumpTextScanner& scanner) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw core::FilesystemError("cannot read dump '" + path.string() + "'");
  }
  std::string l;
  while (std::getline(in, l)) {
    scanner.line(l);
  }
}

} // namespace

bool zip_has_filestore(const stdfs::path& zip) {
  ProcessOptions opts;
  bool found = false;
  opts.keep_bytes = 1024;
  opts.on_stdout_line = [&](std::string_view name) {
    found = found || (starts_with(name, "filestore/") && name.size() > 10 && name.back() != '/');
  };
  try {
    return run_process({"unzip", "-Z1", zip.string()}, opts).ok() && found;
  } catch (const std::exception&) {
    return false;
  }
}

namespace {

// What an Odoo backup zip says about itself (manifest.json).
void read_zip_facts(const stdfs::path& zip, DumpIdentity& id) {
  auto m = run_process({"unzip", "-p", zip.string(), "manifest.json"});
  if (!m.ok()) {
    return; // a zip without manifest: the series comes from the data
  }
  auto manifest = nlohmann::json::parse(m.out, nullptr, false);
  if (manifest.is_object() && manifest.contains("version") && manifest["version"].is_string()) {
    if (auto s = core::parse_series(manifest["version"].get<std::string>())) {
      id.series = s->str();
    }
  }
}

} // namespace

void DumpTextScanner::line(std::string_view text) {
  if (m_table == Table::none) {
    if (!starts_with(text, "COPY ")) {
      return;
    }
    std::string_view rest = text.substr(5);
    auto space = rest.find(' ');
    std::string_view table = rest.substr(0, space);
    if (table == "public.ir_module_module" || table == "ir_module_module") {
      m_table = Table::modules;
    } else if (table == "public.ir_config_parameter" || table == "ir_config_parameter") {
      m_table = Table::parameters;
    } else {
      return;
    }
    auto open = rest.find('(');
    auto close = rest.find(')');
    m_columns.clear();
    if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
      for (auto c : split(rest.substr(open + 1, close - open - 1), ", ")) {
        m_columns.push_back(unquote(c));
      }
    }
    return;
  }
  if (text == "\\.") {
    m_table = Table::none;
    return;
  }
  auto values = split(text, "\t");
  if (m_table == Table::modules && field(m_columns, values, "name") == "base") {
    m_base_version = field(m_columns, values, "latest_version");
  } else if (m_table == Table::parameters && field(m_columns, values, "key") == "database.uuid") {
    m_uuid = field(m_columns, values, "value");
  }
}

DumpIdentity read_dump_identity(const DumpFile& dump) {
  DumpIdentity id;
  DumpTextScanner scanner;
  const stdfs::path& path = dump.path;
  if (dump.remote_name == "origin.zip") {
    read_zip_facts(path, id);
    scan_output({"unzip", "-p", path.string(), "dump.sql"}, scanner, path);
  } else if (dump.remote_name == "origin.sql.gz") {
    scan_output({"gzip", "-dc", path.string()}, scanner, path);
  } else if (dump.remote_name == "origin.sql") {
    scan_file(path, scanner);
  } else {
    scan_output({"pg_restore",
                 "--data-only",
                 "--table",
                 "ir_module_module",
                 "--table",
                 "ir_config_parameter",
                 "--file",
                 "-",
                 path.string()},
                scanner,
                path);
  }
  id.base_version = scanner.base_version();
  id.database_uuid = scanner.database_uuid();
  if (id.series.empty()) {
    if (auto s = core::parse_series(id.base_version)) {
      id.series = s->str();
    }
  }
  return id;
}

void extract_zip_filestore(const stdfs::path& zip, const stdfs::path& dest) {
  std::error_code ec;
  stdfs::path unpack = dest.parent_path() / (dest.filename().string() + ".unzip");
  stdfs::remove_all(unpack, ec);
  stdfs::remove_all(dest, ec);
  stdfs::create_directories(unpack, ec);
  if (ec) {
    throw core::FilesystemError("cannot create '" + unpack.string() + "': " + ec.message());
  }
  auto r = run_process({"unzip", "-q", "-o", zip.string(), "filestore/*", "-d", unpack.string()});
  if (!r.ok()) {
    throw core::FilesystemError("cannot extract the filestore of '" + zip.string() +
                                    "' (unzip: " + r.last_error_line() + ")",
                                "check the free space of the project's work dir");
  }
  stdfs::rename(unpack / "filestore", dest, ec);
  if (ec) {
    throw core::FilesystemError("cannot move the extracted filestore to '" + dest.string() +
                                "': " + ec.message());
  }
  stdfs::remove_all(unpack, ec);
}

} // namespace odoo_upgrade::adapters::pg
