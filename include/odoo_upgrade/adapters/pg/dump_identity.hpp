#pragma once

#include <odoo_upgrade/adapters/pg/dump_restore.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Which database a backup holds, read from the backup itself before it is sent (test-request
// --dump): its Odoo series and its database uuid. Read as a stream, never loaded whole: a plain
// .sql line by line, a .sql.gz through `gzip -dc`, a zip's dump.sql through `unzip -p`, a pg_dump
// archive (.dump or directory) through `pg_restore --data-only --table …` of the two tables.
// Sources of the facts: Odoo's backup zip carries manifest.json ("version": the series, written by
// odoo/service/db.py dump_db_manifest); every Odoo database holds base's `latest_version` in
// ir_module_module and its identity in ir_config_parameter's `database.uuid`.
namespace odoo_upgrade::adapters::pg {

struct DumpIdentity {
  std::string series;        // e.g. "17.0" (manifest's "version", else base's version); "" unknown
  std::string base_version;  // base's latest_version in the data, e.g. "17.0.1.3"; "" when unread
  std::string database_uuid; // ir_config_parameter database.uuid; "" when not found
};

// Collects the identity from the lines of a plain SQL dump (COPY … FROM stdin blocks of
// public.ir_module_module and public.ir_config_parameter, tab-separated, `\N` for NULL). Pure.
class DumpTextScanner {
public:
  void line(std::string_view text);
  const std::string& base_version() const { return m_base_version; }
  const std::string& database_uuid() const { return m_uuid; }

private:
  enum class Table { none, modules, parameters };
  Table m_table = Table::none;
  std::vector<std::string> m_columns;
  std::string m_base_version;
  std::string m_uuid;
};

// Reads the identity of a validated dump (validate_dump_file). Throws UsageError when the dump
// cannot be read (a tool fails), FilesystemError when gzip/unzip/pg_restore cannot be run.
DumpIdentity read_dump_identity(const DumpFile& dump);

// True when the Odoo backup zip `zip` has files under filestore/. Never throws (false).
bool zip_has_filestore(const std::filesystem::path& zip);
// Extracts the filestore/ folder of an Odoo backup zip into `dest` (created; emptied first), as
// the files Odoo keeps under <data_dir>/filestore/<db>. Throws FilesystemError.
void extract_zip_filestore(const std::filesystem::path& zip, const std::filesystem::path& dest);

} // namespace odoo_upgrade::adapters::pg
