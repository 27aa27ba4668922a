#include <odoo_upgrade/core/naming.hpp>
#include <odoo_upgrade/core/record.hpp>

#include <cstdint>
#include <cstdio>

namespace odoo_upgrade::core {

namespace {

// "_" + 8 hex digits.
constexpr std::size_t k_hash_part_bytes = 9;
// The longest stamp a derived name carries: name_timestamp plus a "_<n>" de-duplication suffix.
constexpr std::string_view k_longest_stamp = "20261205_180007_99";
// The longest round number initiate proves (rounds past 9999 are still fitted by
// fit_database_name, with their own hash).
constexpr int k_longest_round = 9999;

std::uint32_t fnv1a(std::string_view text) {
  std::uint32_t h = 2166136261U;
  for (unsigned char c : text) {
    h ^= c;
    h *= 16777619U;
  }
  return h;
}

std::string hex8(std::uint32_t value) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", value);
  return buf;
}

// The first `bytes` bytes of `text`, shortened further so that no UTF-8 character is cut.
std::string_view utf8_prefix(std::string_view text, std::size_t bytes) {
  if (bytes >= text.size()) {
    return text;
  }
  while (bytes > 0 && (static_cast<unsigned char>(text[bytes]) & 0xC0U) == 0x80U) {
    --bytes;
  }
  return text.substr(0, bytes);
}

// `text` shortened to at most `bytes` bytes: a prefix plus "_" and the hash of the whole text.
std::string shorten(std::string_view text, std::size_t bytes) {
  if (text.size() <= bytes) {
    return std::string(text);
  }
  std::size_t keep = bytes > k_hash_part_bytes ? bytes - k_hash_part_bytes : 0;
  return std::string(utf8_prefix(text, keep)) + "_" + hex8(fnv1a(text));
}

std::string longest_suffix(std::string_view target) {
  return "upgraded_" + std::string(target) + "_" + std::string(k_longest_stamp);
}

std::string derived(std::string_view production_db, std::string_view target, std::string suffix) {
  return fit_database_name(name_base(production_db, target) + "_" + suffix);
}

} // namespace

bool valid_database_name(std::string_view name) {
  return !name.empty() && name.size() <= k_max_database_name_bytes &&
         name.find('\0') == std::string_view::npos && name.find('/') == std::string_view::npos &&
         name != "." && name != "..";
}

std::string fit_database_name(std::string_view name) {
  return shorten(name, k_max_database_name_bytes);
}

std::string name_base(std::string_view production_db, std::string_view target) {
  std::size_t suffix = 1 + longest_suffix(target).size();
  std::size_t room = k_max_database_name_bytes > suffix ? k_max_database_name_bytes - suffix : 0;
  return shorten(production_db, room);
}

std::string runbook_scratch_database_name(std::string_view production_db,
                                          std::string_view target,
                                          std::string_view run) {
  return derived(production_db, target, "runbook_" + std::string(target) + "_" + std::string(run));
}

std::string test_database_name(std::string_view production_db, std::string_view target, int round) {
  return derived(
      production_db, target, "test_" + std::string(target) + "_r" + std::to_string(round));
}

std::string staging_database_name(std::string_view production_db,
                                  std::string_view target,
                                  std::string_view stamp) {
  return derived(production_db, target, "golive_" + std::string(target) + "_" + std::string(stamp));
}

std::string pre_upgrade_database_name(std::string_view production_db,
                                      std::string_view target,
                                      std::string_view stamp) {
  return derived(production_db, target, "pre_" + std::string(target) + "_" + std::string(stamp));
}

std::string upgraded_aside_database_name(std::string_view production_db,
                                         std::string_view target,
                                         std::string_view stamp) {
  return derived(
      production_db, target, "upgraded_" + std::string(target) + "_" + std::string(stamp));
}

NamesRecord derive_names(std::string_view production_db, std::string_view target) {
  NamesRecord n;
  n.production = std::string(production_db);
  n.base = name_base(production_db, target);
  n.shortened = n.base != n.production;
  n.longest = {
      test_database_name(production_db, target, k_longest_round),
      staging_database_name(production_db, target, k_longest_stamp),
      pre_upgrade_database_name(production_db, target, k_longest_stamp),
      upgraded_aside_database_name(production_db, target, k_longest_stamp),
  };
  return n;
}

NamesRecord names_from_json(const nlohmann::json& j, std::string_view where) {
  FieldReader r(j, where);
  NamesRecord n;
  r.take("production", n.production);
  r.take("base", n.base);
  r.take("shortened", n.shortened);
  r.take("longest", n.longest);
  n.extra = r.rest();
  return n;
}

nlohmann::json to_json(const NamesRecord& names) {
  nlohmann::json j = names.extra;
  j["production"] = names.production;
  j["base"] = names.base;
  j["shortened"] = names.shortened;
  j["longest"] = names.longest;
  return j;
}

NamesRecord read_names(const Project& project) {
  const auto* section = project.find_section("names");
  return section == nullptr ? NamesRecord{} : names_from_json(*section);
}

void write_names(Project& project, const NamesRecord& names) {
  project.doc()["names"] = to_json(names);
}

} // namespace odoo_upgrade::core
