#include <odoo_upgrade/adapters/pg/tool_progress.hpp>

#include <algorithm>
#include <cctype>

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

} // namespace odoo_upgrade::adapters::pg
