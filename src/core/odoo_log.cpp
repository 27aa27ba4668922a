#include <odoo_upgrade/core/odoo_log.hpp>
#include <odoo_upgrade/core/record.hpp>

#include <array>

namespace odoo_upgrade::core::odoo_log {

namespace {

using json = nlohmann::json;

constexpr std::array<std::string_view, 5> k_levels{"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"};
constexpr std::string_view k_traceback = "Traceback (most recent call last):";
constexpr std::size_t k_max_source = 160;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// The next space-delimited field of `rest` (consumed with its space), or std::nullopt.
std::optional<std::string_view> next_field(std::string_view& rest) {
  auto space = rest.find(' ');
  if (space == std::string_view::npos || space == 0) {
    return std::nullopt;
  }
  std::string_view field = rest.substr(0, space);
  rest.remove_prefix(space + 1);
  return field;
}

// "YYYY-MM-DD HH:MM:SS,mmm" at the start of `line`.
bool has_timestamp(std::string_view line) {
  constexpr std::string_view k_shape = "dddd-dd-dd dd:dd:dd,ddd";
  if (line.size() < k_shape.size() + 1) {
    return false;
  }
  for (std::size_t i = 0; i < k_shape.size(); ++i) {
    if (k_shape[i] == 'd' ? !is_digit(line[i]) : line[i] != k_shape[i]) {
      return false;
    }
  }
  return line[k_shape.size()] == ' ';
}

// The record starting on `line`, or std::nullopt when the line continues the previous record.
std::optional<Record> parse_record_start(std::string_view line) {
  if (!has_timestamp(line)) {
    return std::nullopt;
  }
  Record r;
  r.time = std::string(line.substr(0, 23));
  std::string_view rest = line.substr(24);
  auto pid = next_field(rest);
  auto level = next_field(rest);
  auto db = next_field(rest);
  if (!pid || !level || !db || pid->find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  bool known_level = false;
  for (auto l : k_levels) {
    known_level = known_level || l == *level;
  }
  auto colon = rest.find(": ");
  if (!known_level || colon == std::string_view::npos || colon == 0 ||
      rest.substr(0, colon).find(' ') != std::string_view::npos) {
    return std::nullopt;
  }
  r.pid = std::stoll(std::string(*pid));
  r.level = std::string(*level);
  r.db = std::string(*db);
  r.logger = std::string(rest.substr(0, colon));
  r.message = std::string(trim(rest.substr(colon + 2)));
  return r;
}

bool is_chain_separator(std::string_view line) {
  return line.rfind("The above exception was the direct cause", 0) == 0 ||
         line.rfind("During handling of the above exception", 0) == 0;
}

bool is_marker_line(std::string_view line) {
  std::string_view t = trim(line);
  return !t.empty() && t.find_first_not_of("^~") == std::string_view::npos;
}

// `  File "PATH", line N, in FUNC` (FUNC absent for a SyntaxError) as "PATH:N in FUNC".
std::optional<std::string> parse_frame_header(std::string_view line) {
  constexpr std::string_view k_file = "  File \"";
  if (line.rfind(k_file, 0) != 0) {
    return std::nullopt;
  }
  std::string_view rest = line.substr(k_file.size());
  auto quote = rest.find("\", line ");
  if (quote == std::string_view::npos) {
    return std::nullopt;
  }
  std::string out = short_path(rest.substr(0, quote));
  rest.remove_prefix(quote + 8);
  auto comma = rest.find(", in ");
  // Appended piece by piece: `":" + std::string` makes GCC 12 at -O3 report a bogus -Wrestrict
  // (GCC PR105651).
  out += ':';
  out += trim(rest.substr(0, comma));
  if (comma != std::string_view::npos) {
    out += " in ";
    out += trim(rest.substr(comma + 5));
  }
  return out;
}

// One traceback of a chain: its last frame and its exception lines.
struct Traceback {
  std::string frame;
  std::vector<std::string> exception;
};

// Reads the traceback starting after the header at `i`; leaves `i` on the line after it.
Traceback read_traceback(const std::vector<std::string>& lines, std::size_t& i) {
  Traceback tb;
  while (i < lines.size() && lines[i].rfind("  ", 0) == 0) {
    if (auto header = parse_frame_header(lines[i])) {
      tb.frame = *header;
    } else if (!is_marker_line(lines[i]) && !tb.frame.empty() &&
               tb.frame.find(": ") == std::string::npos) {
      std::string source(trim(lines[i]));
      if (source.size() > k_max_source) {
        source = source.substr(0, k_max_source) + "…";
      }
      tb.frame += ": " + source;
    }
    ++i;
  }
  while (i < lines.size() && lines[i] != k_traceback && !is_chain_separator(lines[i])) {
    tb.exception.push_back(lines[i]);
    ++i;
  }
  while (!tb.exception.empty() && trim(tb.exception.back()).empty()) {
    tb.exception.pop_back();
  }
  return tb;
}

// The last informative line of a multi-line exception message (before Odoo's "View error
// context:" block).
std::string detail_of(const std::vector<std::string>& exception) {
  std::string last;
  for (std::size_t k = 1; k < exception.size(); ++k) {
    std::string_view t = trim(exception[k]);
    if (t.rfind("View error context:", 0) == 0) {
      break;
    }
    if (!t.empty()) {
      last = std::string(t);
    }
  }
  return last;
}

std::string text_at(const json& j, const char* key, std::string_view where) {
  if (!j.contains(key) || j[key].is_null()) {
    return {};
  }
  if (!j[key].is_string()) {
    invalid_field(std::string(where) + "." + key, "is not a string");
  }
  return j[key].get<std::string>();
}

} // namespace

std::vector<Record> parse_records(std::string_view log) {
  std::vector<Record> out;
  while (!log.empty()) {
    auto nl = log.find('\n');
    std::string_view line = log.substr(0, nl);
    log = nl == std::string_view::npos ? std::string_view{} : log.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (auto r = parse_record_start(line)) {
      out.push_back(std::move(*r));
    } else if (!out.empty()) {
      out.back().lines.emplace_back(line);
    }
  }
  return out;
}

std::string short_path(std::string_view path) {
  std::size_t best = std::string_view::npos;
  for (std::string_view marker : {"/odoo/", "/addons/", "/dist-packages/"}) {
    auto at = path.rfind(marker);
    if (at != std::string_view::npos && (best == std::string_view::npos || at > best)) {
      best = at;
    }
  }
  if (best == std::string_view::npos) {
    return std::string(path);
  }
  return std::string(path.substr(best + 1));
}

ErrorSummary summarize_error(const Record& record) {
  ErrorSummary s;
  std::vector<Traceback> chain;
  for (std::size_t i = 0; i < record.lines.size();) {
    if (record.lines[i] == k_traceback) {
      ++i;
      chain.push_back(read_traceback(record.lines, i));
    } else {
      ++i;
    }
  }
  if (chain.empty() || chain.front().exception.empty()) {
    s.error = record.message;
    return s;
  }
  const Traceback& root = chain.front();
  s.error = std::string(trim(root.exception.front()));
  s.frame = root.frame;
  s.detail = detail_of(root.exception);
  if (!chain.back().exception.empty()) {
    std::string last(trim(chain.back().exception.front()));
    if (last != s.error) {
      s.outcome = last;
    }
  }
  return s;
}

std::string ErrorSummary::one_line() const {
  std::string out = error;
  if (!detail.empty()) {
    out += " (" + detail + ")";
  }
  if (!outcome.empty()) {
    out += " [" + outcome + "]";
  }
  if (!frame.empty()) {
    out += ", at " + frame;
  }
  return out;
}

json to_json(const ErrorSummary& e) {
  json j = {{"error", e.error}};
  if (!e.frame.empty()) {
    j["frame"] = e.frame;
  }
  if (!e.detail.empty()) {
    j["detail"] = e.detail;
  }
  if (!e.outcome.empty()) {
    j["outcome"] = e.outcome;
  }
  return j;
}

ErrorSummary error_summary_from_json(const json& j, std::string_view where) {
  if (j.is_null()) {
    return {};
  }
  if (!j.is_object()) {
    invalid_field(where, "is not an object");
  }
  ErrorSummary e;
  e.error = text_at(j, "error", where);
  e.frame = text_at(j, "frame", where);
  e.detail = text_at(j, "detail", where);
  e.outcome = text_at(j, "outcome", where);
  return e;
}

} // namespace odoo_upgrade::core::odoo_log
