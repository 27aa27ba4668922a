#include <odoo_upgrade/core/checklist_template.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace odoo_upgrade::core::uat {

namespace {

using json = nlohmann::json;

[[noreturn]] void bad_template(std::string_view where, const std::string& what) {
  throw FilesystemError("checklist template '" + std::string(where) + "' " + what,
                        "fix the template (docs/user-config.md), or remove 'checklist_template' "
                        "from the config file");
}

bool one_line(const std::string& text) {
  return text.find_first_of("\r\n") == std::string::npos;
}

bool blank(const std::string& text) {
  return text.find_first_not_of(" \t") == std::string::npos;
}

// One item of a JSON template; `at` names it in errors ("item 3").
ChecklistItem json_item(const json& j, std::string_view where, const std::string& at) {
  ChecklistItem item;
  item.category = "custom";
  if (j.is_string()) {
    item.title = j.get<std::string>();
  } else if (j.is_object()) {
    auto text = [&](const char* key, std::string& out) {
      if (j.contains(key) && !j[key].is_null()) {
        if (!j[key].is_string()) {
          bad_template(where, at + ": '" + key + "' is not a string");
        }
        out = j[key].get<std::string>();
      }
    };
    text("title", item.title);
    text("id", item.id);
    text("category", item.category);
  } else {
    bad_template(where, at + " is neither a title nor an object");
  }
  if (blank(item.title) || !one_line(item.title)) {
    bad_template(where, at + ": the title must be a non-empty single line");
  }
  if (!item.id.empty() && !valid_item_id(item.id)) {
    bad_template(where,
                 at + ": invalid id '" + item.id +
                     "' (lower-case letters, digits, '-', '_' or '.', at most 64)");
  }
  return item;
}

std::vector<ChecklistItem> from_json(std::string_view content, std::string_view where) {
  json doc;
  try {
    doc = json::parse(content);
  } catch (const json::exception& e) {
    // A syntax error, or a number too large for a double (1e400).
    bad_template(where, std::string("is not valid JSON: ") + e.what());
  }
  const json& list = doc.is_object() ? doc.value("items", json()) : doc;
  if (!list.is_array()) {
    bad_template(where, "is not a list of items (nor an object with 'items')");
  }
  std::vector<ChecklistItem> items;
  for (std::size_t i = 0; i < list.size(); ++i) {
    items.push_back(json_item(list[i], where, "item " + std::to_string(i + 1)));
  }
  return items;
}

// One title per line; blank lines and `#` comments skipped.
std::vector<ChecklistItem> from_lines(std::string_view content) {
  std::vector<ChecklistItem> items;
  for (std::size_t at = 0; at < content.size();) {
    auto end = std::min(content.find('\n', at), content.size());
    std::string text(content.substr(at, end - at));
    at = end + 1;
    if (!text.empty() && text.back() == '\r') {
      text.pop_back();
    }
    auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos || text[first] == '#') {
      continue;
    }
    text = text.substr(first, text.find_last_not_of(" \t") - first + 1);
    items.push_back({"", text, "custom"});
  }
  return items;
}

} // namespace

std::size_t bad_utf8_line(std::string_view text) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < text.size();) {
    auto b = static_cast<unsigned char>(text[i]);
    std::size_t n = b < 0x80                 ? 0
                    : b >= 0xC2 && b <= 0xDF ? 1
                    : b >= 0xE0 && b <= 0xEF ? 2
                    : b >= 0xF0 && b <= 0xF4 ? 3
                                             : 4;
    unsigned char lo = b == 0xE0 ? 0xA0 : b == 0xF0 ? 0x90 : 0x80;
    unsigned char hi = b == 0xED ? 0x9F : b == 0xF4 ? 0x8F : 0xBF;
    if (n == 4 || i + n >= text.size()) {
      return line;
    }
    for (std::size_t k = 1; k <= n; ++k) {
      auto c = static_cast<unsigned char>(text[i + k]);
      if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF)) {
        return line;
      }
    }
    line += b == '\n' ? 1 : 0;
    i += n + 1;
  }
  return 0;
}

std::vector<ChecklistItem> checklist_template_from_text(std::string_view content,
                                                        std::string_view where) {
  if (auto line = bad_utf8_line(content)) {
    bad_template(where, "is not UTF-8 text (line " + std::to_string(line) + ")");
  }
  auto first = content.find_first_not_of(" \t\r\n");
  bool is_json =
      first != std::string_view::npos && (content[first] == '[' || content[first] == '{');
  auto items = is_json ? from_json(content, where) : from_lines(content);
  // Ids given twice would make two items one.
  for (std::size_t i = 0; i < items.size(); ++i) {
    for (std::size_t k = 0; k < i; ++k) {
      if (!items[i].id.empty() && items[i].id == items[k].id) {
        bad_template(where, "gives the id '" + items[i].id + "' twice");
      }
    }
  }
  return items;
}

std::vector<ChecklistItem> with_template(std::vector<ChecklistItem> checklist,
                                         const std::vector<ChecklistItem>& tmpl) {
  for (const auto& item : tmpl) {
    bool there = std::any_of(checklist.begin(), checklist.end(), [&](const ChecklistItem& c) {
      return c.title == item.title || (!item.id.empty() && c.id == item.id);
    });
    if (there) {
      continue;
    }
    ChecklistItem added = item;
    if (added.id.empty()) {
      std::vector<std::string> taken;
      for (const auto& c : checklist) {
        taken.push_back(c.id);
      }
      added.id = item_id_from_title(added.title, taken);
    }
    checklist.push_back(std::move(added));
  }
  return checklist;
}

} // namespace odoo_upgrade::core::uat
