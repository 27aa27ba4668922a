#pragma once

#include <odoo_upgrade/core/project.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

// Every database name odoo-upgrade derives from the production database's name: the test round's
// copy, the go-live's staging database, the pre-upgrade database kept after the swap and the
// upgraded database a rollback puts aside. They are valid by construction: PostgreSQL keeps at most
// NAMEDATALEN - 1 = 63 bytes of an identifier (PostgreSQL documentation, "Identifiers and Key
// Words") and silently truncates longer ones in SQL, so a longer name would either be refused here
// or, worse, name another database. A production name too long to carry the longest suffix is
// shortened deterministically to a prefix plus a short hash ("base"), always the same for the same
// production name and target.
namespace odoo_upgrade::core {

// PostgreSQL's limit for a database name, in bytes.
inline constexpr std::size_t k_max_database_name_bytes = 63;

// True when `name` is a database name PostgreSQL keeps as it is (1 to 63 bytes, no NUL) and that
// is also safe as the name of its filestore folder (`<data_dir>/filestore/<name>`): no '/', not
// "." or "..". A name that fails must never reach a path: `..` would make the filestore the whole
// data dir.
bool valid_database_name(std::string_view name);

// `name` when it is at most 63 bytes, else its first bytes (cut on a UTF-8 character boundary), "_"
// and 8 hex digits of a 32-bit FNV-1a hash of the whole `name`: exactly deterministic, at most 63
// bytes.
std::string fit_database_name(std::string_view name);

// The part of every derived name that stands for `production_db`: `production_db` itself when the
// longest derived name for `target` fits in 63 bytes, else a prefix of it plus "_" and 8 hex digits
// of its hash, short enough for every derived name.
std::string name_base(std::string_view production_db, std::string_view target);

// "<base>_test_<target>_r<round>", the test database of round `round` (1-based).
std::string test_database_name(std::string_view production_db, std::string_view target, int round);
// "<base>_golive_<target>_<stamp>": the upgraded database restored before the swap. `stamp` is
// golive::name_timestamp's "20261205_180007", possibly with a "_<n>" suffix (n < 100).
std::string staging_database_name(std::string_view production_db,
                                  std::string_view target,
                                  std::string_view stamp);
// "<base>_pre_<target>_<stamp>": production's name once swapped out (kept).
std::string pre_upgrade_database_name(std::string_view production_db,
                                      std::string_view target,
                                      std::string_view stamp);
// "<base>_upgraded_<target>_<stamp>": the upgraded database put aside by a rollback (kept).
std::string upgraded_aside_database_name(std::string_view production_db,
                                         std::string_view target,
                                         std::string_view stamp);

// "<base>_runbook_<target>_<run>": the scratch copy of production the before-upload runbook steps
// run on (core/runbook.hpp), dumped and dropped by the run that made it. `run` names the run:
// "r3" for round 3, "p1" for production request 1.
std::string runbook_scratch_database_name(std::string_view production_db,
                                          std::string_view target,
                                          std::string_view run);

// The project's `names` section, written by `initiate`: the base every derived name starts with
// and the longest names the tool can derive (their bytes are the proof that they fit). The names
// actually used are recorded where they are used (`rounds[].test_db`, `golive.staging_db`,
// `golive.pre_upgrade_db`, `golive.rollback.aside_db`).
struct NamesRecord {
  std::string production;           // the production database's name
  std::string base;                 // name_base(production, target)
  bool shortened = false;           // base != production
  std::vector<std::string> longest; // the longest derived name of each kind
  nlohmann::json extra = nlohmann::json::object();
};
// The record for `production_db` and `target`, with the longest stamp and a 4-digit round number.
NamesRecord derive_names(std::string_view production_db, std::string_view target);
// Reads a `names` section; throws FilesystemError (exit 6) naming `<where>.<field>` for a field of
// the wrong type.
NamesRecord names_from_json(const nlohmann::json& j, std::string_view where = "names");
nlohmann::json to_json(const NamesRecord& names);
// The project's `names` section (empty fields when missing: files written before it existed).
NamesRecord read_names(const Project& project);
void write_names(Project& project, const NamesRecord& names);

} // namespace odoo_upgrade::core
