#include <odoo_upgrade/adapters/pg/tool_progress.hpp>

#include <algorithm>
#include <cctype>
#include <string>

namespace odoo_upgrade::adapters::pg {

namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string_view program_of(PgTool tool) {
  return tool == PgTool::pg_dump ? "pg_dump:" : "pg_restore:";
}

std::string_view table_phrase_of(PgTool tool) {
  return tool == PgTool::pg_dump ? "dumping contents of table " : "processing data for table ";
}

// Drops every leading "<program>:" and the blanks around them: logging.c writes "<program>:", " "
// and the message in three pieces, so another worker's pieces may come in between.
std::string_view without_prefixes(PgTool tool, std::string_view line, bool& had_prefix) {
  had_prefix = false;
  while (true) {
    line.remove_prefix(std::min(line.find_first_not_of(' '), line.size()));
    if (!starts_with(line, program_of(tool))) {
      return line;
    }
    line.remove_prefix(program_of(tool).size());
    had_prefix = true;
  }
}

// A message with a level (PostgreSQL 12+) or a module tag ("[archiver (db)]", up to 11).
bool has_level(std::string_view message) {
  for (std::string_view level : {"error: ", "warning: ", "detail: ", "hint: ", "fatal: ", "["}) {
    if (starts_with(message, level)) {
      return true;
    }
  }
  return false;
}

// Skips "<digits>" then `sep`; false when `s` does not start so.
bool skip_number(std::string_view& s, char sep) {
  std::size_t n = 0;
  while (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n])) != 0) {
    ++n;
  }
  if (n == 0 || n >= s.size() || s[n] != sep) {
    return false;
  }
  s.remove_prefix(n + 1);
  return true;
}

} // namespace

ToolLine classify_tool_line(PgTool tool, std::string_view line) {
  bool had_prefix = false;
  std::string_view message = without_prefixes(tool, line, had_prefix);
  // The continuation of a line whose prefix another worker's line took is still a table's line.
  if (starts_with(message, table_phrase_of(tool))) {
    return ToolLine::table_data;
  }
  if (had_prefix && !message.empty() && !has_level(message)) {
    return ToolLine::info;
  }
  return ToolLine::other;
}

std::optional<unsigned long> finished_table_data_item(std::string_view line) {
  bool had_prefix = false;
  std::string_view message = without_prefixes(PgTool::pg_dump, line, had_prefix);
  constexpr std::string_view k_finished = "finished item ";
  if (!starts_with(message, k_finished)) {
    return std::nullopt;
  }
  message.remove_prefix(k_finished.size());
  std::string_view id = message.substr(0, message.find(' '));
  if (!skip_number(message, ' ') || !starts_with(message, "TABLE DATA ") || id.size() > 9) {
    return std::nullopt;
  }
  return std::stoul(std::string(id));
}

ToolLine TableCounter::read(std::string_view line) {
  ToolLine kind = classify_tool_line(m_tool, line);
  if (kind == ToolLine::table_data) {
    ++m_progress.done;
    m_progress.total = std::max(m_progress.total, m_progress.done);
  }
  return kind;
}

bool is_toc_table_data(std::string_view line) {
  // "<dump id>; <table oid> <oid> <description> <schema> <name> <owner>"
  if (!skip_number(line, ';') || !starts_with(line, " ")) {
    return false;
  }
  line.remove_prefix(1);
  return skip_number(line, ' ') && skip_number(line, ' ') && starts_with(line, "TABLE DATA ");
}

namespace {

// pg_backup_archiver.c's ReadByte, ReadInt and ReadStr over the bytes of a toc.dat; a read past
// the end clears `ok` and returns zero or NULL.
struct TocReader {
  std::string_view data;
  std::size_t int_size = 4;
  bool ok = true;

  unsigned char byte() {
    if (data.empty()) {
      ok = false;
      return 0;
    }
    auto b = static_cast<unsigned char>(data.front());
    data.remove_prefix(1);
    return b;
  }
  // A sign byte, then `int_size` bytes, the least significant first.
  long long integer() {
    bool negative = byte() != 0;
    unsigned long long v = 0;
    for (std::size_t i = 0; i < int_size; ++i) {
      v |= static_cast<unsigned long long>(byte()) << (8 * i);
    }
    return negative ? -static_cast<long long>(v) : static_cast<long long>(v);
  }
  // Its length, then its bytes; std::nullopt for NULL (length -1).
  std::optional<std::string_view> string() {
    long long n = integer();
    if (!ok || n < 0) {
      return std::nullopt;
    }
    if (static_cast<unsigned long long>(n) > data.size()) {
      ok = false;
      return std::nullopt;
    }
    std::string_view s = data.substr(0, static_cast<std::size_t>(n));
    data.remove_prefix(s.size());
    return s;
  }
  void skip_strings(int n) {
    for (int i = 0; i < n; ++i) {
      (void)string();
    }
  }
};

// The format a directory dump's toc.dat says: archTar (pg_backup.h), which pg_backup_directory.c
// writes there on purpose ("the directory is compatible with 'tar'"); both read a TOC entry's
// extra data as the name of its data file.
constexpr unsigned char k_toc_dat_format = 3;

// ReadHead: false for a version or format this reader does not know. Leaves `r` at the TOC.
bool read_toc_head(TocReader& r, int& minor) {
  if (!starts_with(r.data, "PGDMP")) {
    return false;
  }
  r.data.remove_prefix(5);
  int major = r.byte();
  minor = r.byte();
  (void)r.byte(); // revision
  r.int_size = r.byte();
  (void)r.byte(); // offset size
  unsigned char format = r.byte();
  if (!r.ok || major != 1 || minor < 11 || minor > 16 || r.int_size < 1 || r.int_size > 4 ||
      format != k_toc_dat_format) {
    return false;
  }
  if (minor >= 15) {
    (void)r.byte(); // compression algorithm
  } else {
    (void)r.integer(); // compression level
  }
  for (int i = 0; i < 7; ++i) {
    (void)r.integer(); // creation time
  }
  r.skip_strings(3); // database name, server version, pg_dump version
  return r.ok;
}

} // namespace

std::optional<std::size_t> toc_table_data_count(std::string_view toc) {
  TocReader r{toc};
  int minor = 0;
  if (!read_toc_head(r, minor)) {
    return std::nullopt;
  }
  long long entries = r.integer();
  if (!r.ok || entries < 0 || static_cast<unsigned long long>(entries) > toc.size()) {
    return std::nullopt;
  }
  std::size_t tables = 0;
  for (long long i = 0; i < entries && r.ok; ++i) {
    (void)r.integer(); // dump id
    (void)r.integer(); // had dumper
    r.skip_strings(3); // table oid, oid, tag
    auto desc = r.string();
    tables += desc == "TABLE DATA" ? 1 : 0;
    (void)r.integer(); // section
    r.skip_strings(5); // definition, drop, copy statement, namespace, tablespace
    if (minor >= 14) {
      (void)r.string(); // table access method
    }
    if (minor >= 16) {
      (void)r.integer(); // relkind
    }
    r.skip_strings(2); // owner, "false" (WITH OIDS)
    while (r.ok && r.string()) {
      // dependencies, up to a NULL
    }
    (void)r.string(); // the data file's name (directory format)
  }
  return r.ok ? std::optional(tables) : std::nullopt;
}

} // namespace odoo_upgrade::adapters::pg
