#pragma once

#include <string>

// What makes an upgraded copy of an Odoo database safe to hand over (no mail to customers, no jobs
// against real systems), checked and done as Odoo's own neutralize.sql files do.
namespace odoo_upgrade::adapters::pg {

// What the inspection of a restored (upgraded) database found.
struct UpgradedDatabase {
  std::string base_version; // base's latest_version ("18.0.1.3")
  bool base_installed = false;
  bool flag_neutralized = false;     // database.is_neutralized is true
  long long active_crons = 0;        // active crons other than base's autovacuum
  long long active_mail_servers = 0; // active outgoing servers other than the dummy one
  long long active_fetchmail = 0;    // active incoming mail servers
  bool neutralized() const {
    return flag_neutralized && active_crons == 0 && active_mail_servers == 0 &&
           active_fetchmail == 0;
  }
};
// Reads base's version and the neutralization facts of the database `db_conninfo` names. Throws
// DatabaseError.
UpgradedDatabase inspect_upgraded_database(const std::string& db_conninfo);

// Neutralizes a database as Odoo's base (and fetchmail) neutralize.sql do: crons off (except the
// autovacuum), mail servers archived plus a dummy one, incoming mail off, payment providers
// disabled, database.is_neutralized set. One transaction (nothing changes on error). Throws
// DatabaseError.
void neutralize_database(const std::string& db_conninfo);

} // namespace odoo_upgrade::adapters::pg
