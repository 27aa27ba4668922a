#include <odoo_upgrade/adapters/pg/neutralization.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/pg/transaction.hpp>

#include <algorithm>
#include <cctype>
#include <string>

namespace odoo_upgrade::adapters::pg {

UpgradedDatabase inspect_upgraded_database(const std::string& db_conninfo) {
  Connection c(db_conninfo);
  UpgradedDatabase v;
  auto base = c.exec("SELECT latest_version, state FROM ir_module_module WHERE name = 'base'");
  if (base.rows() == 1) {
    v.base_version = std::string(base.get(0, 0));
    v.base_installed = base.get(0, 1) == "installed";
  }
  auto flag =
      c.query_value("SELECT value FROM ir_config_parameter WHERE key = 'database.is_neutralized'");
  if (flag) {
    std::string f = *flag;
    std::transform(f.begin(), f.end(), f.begin(), [](unsigned char ch) {
      return static_cast<char>(std::tolower(ch));
    });
    v.flag_neutralized = f == "true" || f == "1";
  }
  v.active_crons =
      std::stoll(c.query_value("SELECT count(*) FROM ir_cron WHERE active AND id NOT IN "
                               "(SELECT res_id FROM ir_model_data WHERE model = 'ir.cron' "
                               "AND module = 'base' AND name = 'autovacuum_job')")
                     .value_or("0"));
  v.active_mail_servers = std::stoll(
      c.query_value("SELECT count(*) FROM ir_mail_server WHERE active AND smtp_host <> 'invalid'")
          .value_or("0"));
  if (c.relation_exists("public.fetchmail_server")) {
    v.active_fetchmail = std::stoll(
        c.query_value("SELECT count(*) FROM fetchmail_server WHERE active").value_or("0"));
  }
  return v;
}

void neutralize_database(const std::string& db_conninfo) {
  Connection c(db_conninfo);
  Transaction tx(c);
  c.exec_no_rows("UPDATE ir_mail_server SET active = false");
  c.exec_no_rows("INSERT INTO ir_mail_server (name, smtp_port, smtp_host, smtp_encryption, active, "
                 "smtp_authentication) VALUES ('neutralization - disable emails', 1025, "
                 "'invalid', 'none', true, 'login')");
  c.exec_no_rows("UPDATE ir_cron SET active = false WHERE id NOT IN (SELECT res_id FROM "
                 "ir_model_data WHERE model = 'ir.cron' AND module = 'base' AND name = "
                 "'autovacuum_job')");
  if (c.relation_exists("public.fetchmail_server")) {
    c.exec_no_rows("UPDATE fetchmail_server SET active = false");
  }
  if (c.relation_exists("public.payment_provider") &&
      c.column_exists("payment_provider", "state")) {
    c.exec_no_rows("UPDATE payment_provider SET state = 'disabled' WHERE state NOT IN ('test', "
                   "'disabled')");
  }
  c.exec_no_rows("INSERT INTO ir_config_parameter (key, value) VALUES ('database.is_neutralized', "
                 "'True') ON CONFLICT (key) DO UPDATE SET value = 'True'");
  tx.commit();
}

} // namespace odoo_upgrade::adapters::pg
