// Benchmark of `uat run`'s check engine against a plain sequential read of the same data.
//
// Builds a production database from the Odoo 17 fixture template with its business tables
// inflated past one million rows (journal items, contacts, products and their costs), optionally
// with varied data that makes the dump grow (chatter messages, attachments stored in the database),
// copies it as the test database, then times:
//   baseline  SELECT * of every inflated table, streamed from both databases at once
//   uat       all automated checks (identical databases: the digest pass only)
//   uat+diff  all checks after one product price changed in test (digest pass + one bucket)
// Each figure is the best of --repeat runs. See docs/benchmarks.md.
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/pg/row_stream.hpp>
#include <odoo_upgrade/adapters/pg/transaction.hpp>
#include <odoo_upgrade/commands/uat.hpp>

#include <spdlog/spdlog.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

using namespace odoo_upgrade;
namespace pg = adapters::pg;

namespace {

struct Options {
  std::string admin;
  std::string tmpl = "ou_fixture_odoo17";
  int move_line_copies = 15000; // 68 journal items each: 1.02M rows
  int partner_copies = 5000;    // 42 contacts each: 210k rows
  int product_copies = 3000;    // 34 templates each: 102k templates + variants
  int mail_messages = 0;        // chatter messages of varied prose (~470 B each)
  int db_attachments_mb = 0;    // attachments stored in the database, incompressible
  int repeat = 3;
  bool keep = false;
  bool reuse = false; // use the production database a --keep run left
};

const std::vector<std::string> k_tables = {"account_move_line",
                                           "account_move",
                                           "res_partner",
                                           "product_template",
                                           "product_product",
                                           "ir_property"};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The peak resident set size of this process so far, in MB (getrusage: ru_maxrss is in KiB).
double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

double best_of(int n, const std::function<void()>& fn) {
  double best = 1e30;
  for (int i = 0; i < n; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    fn();
    best = std::min(best, seconds_since(t0));
  }
  return best;
}

std::string columns_except_id(pg::Connection& c, const std::string& table) {
  auto r = c.exec("SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) "
                  "FROM information_schema.columns WHERE table_schema = 'public' AND table_name "
                  "= $1 AND column_name <> 'id'",
                  {table});
  return std::string(r.get(0, 0));
}

// Data that does not compress like copied rows do, so that the dump grows with the database as a
// customer's does: chatter messages of prose drawn from a small vocabulary (gzip level 1 takes
// them to about a third, level 6 to about a quarter: measured, docs/benchmarks.md) and attachments
// stored in the database (`ir_attachment` location "db": `db_datas`) of random bytes, which do not
// compress, as already-compressed files (PDF, images) do not.
void add_varied_data(pg::Connection& c, const Options& o) {
  if (o.mail_messages > 0) {
    c.exec_no_rows(
        "INSERT INTO mail_message (model, res_id, message_type, author_id, body, date, "
        "create_date, write_date) SELECT 'res.partner', p.id, 'comment', p.id, '<p>' || "
        "(SELECT string_agg(w[1 + ((hashint8(g::bigint * 61 + j) & 2147483647) % 32)], ' ') "
        "FROM generate_series(1, 60) j) || ' ' || md5(g::text) || '</p>', now(), now(), now() "
        "FROM (SELECT ARRAY['invoice', 'delivery', 'customer', 'the', 'order', 'please', 'find', "
        "'attached', 'payment', 'received', 'thank', 'you', 'for', 'your', 'quotation', 'we', "
        "'have', 'shipped', 'of', 'and', 'to', 'regarding', 'confirmed', 'meeting', 'tomorrow', "
        "'price', 'discount', 'product', 'stock', 'due', 'reminder', 'balance'] AS w) words, "
        "generate_series(1, " +
        std::to_string(o.mail_messages) + ") g, (SELECT min(id) AS id FROM res_partner) p");
  }
  if (o.db_attachments_mb > 0) {
    // 64 KiB each; pgcrypto only while generating (the dump does not carry the extension).
    c.exec_no_rows("CREATE EXTENSION IF NOT EXISTS pgcrypto");
    c.exec_no_rows(
        "INSERT INTO ir_attachment (name, type, res_model, res_id, mimetype, "
        "file_size, db_datas) SELECT 'bench-' || g || '.pdf', 'binary', 'res.partner', "
        "1, 'application/pdf', 65536, (SELECT string_agg(gen_random_bytes(1024), "
        "''::bytea) FROM generate_series(1, 64) j WHERE g > 0) FROM generate_series(1, " +
        std::to_string(o.db_attachments_mb * 16) + ") g");
    c.exec_no_rows("DROP EXTENSION pgcrypto");
  }
}

void inflate(pg::Connection& c, const Options& o) {
  auto t0 = std::chrono::steady_clock::now();
  // Journal items: every line of every entry copied as often, so entries stay balanced.
  std::string aml = columns_except_id(c, "account_move_line");
  c.exec_no_rows("INSERT INTO account_move_line (" + aml + ") SELECT " + aml +
                 " FROM account_move_line, generate_series(1, " +
                 std::to_string(o.move_line_copies) + ")");
  std::string rp = columns_except_id(c, "res_partner");
  c.exec_no_rows("INSERT INTO res_partner (" + rp + ") SELECT " + rp +
                 " FROM res_partner, generate_series(1, " + std::to_string(o.partner_copies) + ")");
  // Products: template copies, one variant each, and a company-dependent cost per variant.
  std::string pt = columns_except_id(c, "product_template");
  c.exec_no_rows("CREATE TEMP TABLE bench_tmpl AS WITH ins AS (INSERT INTO product_template (" +
                 pt + ") SELECT " + pt + " FROM product_template, generate_series(1, " +
                 std::to_string(o.product_copies) +
                 ") RETURNING id, list_price) SELECT * FROM ins");
  c.exec_no_rows("CREATE TEMP TABLE bench_pp AS WITH ins AS (INSERT INTO product_product "
                 "(product_tmpl_id, base_unit_count, active, default_code, combination_indices) "
                 "SELECT id, 0, true, 'BENCH' || id, '' FROM bench_tmpl RETURNING id, "
                 "product_tmpl_id) SELECT * FROM ins");
  c.exec_no_rows("INSERT INTO ir_property (name, fields_id, type, company_id, res_id, value_float) "
                 "SELECT 'standard_price', (SELECT id FROM ir_model_fields WHERE model = "
                 "'product.product' AND name = 'standard_price'), 'float', 1, 'product.product,' "
                 "|| id, (id % 1000) / 10.0 FROM bench_pp");
  add_varied_data(c, o);
  c.exec_no_rows("VACUUM (ANALYZE)");
  spdlog::info("bench: inflated in {:.1f} s", seconds_since(t0));
}

long long business_rows(pg::Connection& c) {
  long long n = 0;
  for (const auto& t : k_tables) {
    n += std::stoll(*c.query_value("SELECT count(*) FROM " + t));
  }
  return n;
}

// Streams SELECT * of every table from both databases at once, as the engine does.
void sequential_read(pg::Connection& a, pg::Connection& b) {
  for (const auto& t : k_tables) {
    pg::RowStream sa(a, "SELECT * FROM " + t);
    pg::RowStream sb(b, "SELECT * FROM " + t);
    bool more_a = true;
    bool more_b = true;
    while (more_a || more_b) {
      more_a = more_a && sa.next() != nullptr;
      more_b = more_b && sb.next() != nullptr;
    }
  }
}

std::vector<core::uat::CheckResult> uat(pg::Connection& a, pg::Connection& b) {
  pg::Transaction snapshot_a(a, pg::Isolation::repeatable_read, pg::Access::read_only);
  pg::Transaction snapshot_b(b, pg::Isolation::repeatable_read, pg::Access::read_only);
  auto results = commands::run_uat_checks(a, b);
  snapshot_a.commit();
  snapshot_b.commit();
  return results;
}

Options parse(int argc, char** argv) {
  Options o;
  if (const char* env = std::getenv("OU_BENCH_PG_URI")) {
    o.admin = env;
  } else if (const char* t = std::getenv("OU_TEST_PG_URI")) {
    o.admin = t;
  }
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "uat_bench: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--pg") {
      o.admin = next();
    } else if (a == "--template") {
      o.tmpl = next();
    } else if (a == "--move-line-copies") {
      o.move_line_copies = std::stoi(next());
    } else if (a == "--partner-copies") {
      o.partner_copies = std::stoi(next());
    } else if (a == "--product-copies") {
      o.product_copies = std::stoi(next());
    } else if (a == "--mail-messages") {
      o.mail_messages = std::stoi(next());
    } else if (a == "--db-attachments-mb") {
      o.db_attachments_mb = std::stoi(next());
    } else if (a == "--repeat") {
      o.repeat = std::stoi(next());
    } else if (a == "--keep") {
      o.keep = true;
    } else if (a == "--reuse") {
      o.reuse = true;
    } else {
      std::cerr << "usage: uat_bench [--pg CONNINFO] [--template DB] [--move-line-copies N] "
                   "[--partner-copies N] [--product-copies N] [--mail-messages N] "
                   "[--db-attachments-mb M] [--repeat N] [--keep] [--reuse]\n";
      std::exit(2);
    }
  }
  if (o.admin.empty()) {
    std::cerr << "uat_bench: no server: pass --pg CONNINFO or set OU_BENCH_PG_URI\n";
    std::exit(2);
  }
  return o;
}

} // namespace

int main(int argc, char** argv) {
  auto o = parse(argc, argv);
  spdlog::set_level(spdlog::level::warn);
  const std::string prod_db = "ou_bench_uat_prod";
  const std::string test_db = "ou_bench_uat_test";
  pg::Connection admin(o.admin);
  bool have_prod =
      o.reuse &&
      admin.query_value("SELECT count(*) FROM pg_database WHERE datname = $1", {prod_db}) == "1";
  for (const auto& db :
       have_prod ? std::vector<std::string>{test_db} : std::vector<std::string>{prod_db, test_db}) {
    admin.exec_no_rows("DROP DATABASE IF EXISTS " + pg::quote_identifier(db));
  }
  long long rows = 0;
  {
    if (!have_prod) {
      std::cerr << "bench: building '" << prod_db << "' from '" << o.tmpl << "'\n";
      admin.exec_no_rows("CREATE DATABASE " + pg::quote_identifier(prod_db) + " TEMPLATE " +
                         pg::quote_identifier(o.tmpl));
    }
    pg::Connection c(pg::conninfo_with_dbname(o.admin, prod_db));
    if (!have_prod) {
      spdlog::set_level(spdlog::level::info);
      inflate(c, o);
      spdlog::set_level(spdlog::level::warn);
    }
    rows = business_rows(c);
  }
  admin.exec_no_rows("CREATE DATABASE " + pg::quote_identifier(test_db) + " TEMPLATE " +
                     pg::quote_identifier(prod_db));
  pg::Connection a(pg::conninfo_with_dbname(o.admin, prod_db));
  pg::Connection b(pg::conninfo_with_dbname(o.admin, test_db));

  sequential_read(a, b); // warm the caches for both sides alike
  double base = best_of(o.repeat, [&] { sequential_read(a, b); });
  const double rss_base = peak_rss_mb();
  std::vector<core::uat::CheckResult> results;
  double same = best_of(o.repeat, [&] { results = uat(a, b); });
  auto s1 = core::uat::summarize(results);
  b.exec_no_rows("UPDATE product_template SET list_price = list_price + 1 WHERE id = (SELECT "
                 "max(id) FROM product_template)");
  double diff = best_of(o.repeat, [&] { results = uat(a, b); });
  auto s2 = core::uat::summarize(results);
  const double rss_uat = peak_rss_mb();

  std::printf("rows in the compared business tables (per database): %lld\n", rows);
  std::printf("%-44s %8.2f s\n", "baseline: sequential read of both databases", base);
  std::printf("%-44s %8.2f s  (%.2fx baseline; %lld blocking)\n",
              "uat, identical databases",
              same,
              same / base,
              s1.blocking);
  std::printf("%-44s %8.2f s  (%.2fx baseline; %lld blocking)\n",
              "uat, one product price changed",
              diff,
              diff / base,
              s2.blocking);
  // Peak RSS is a high-water mark: the checks' own peak shows only when above the baseline's.
  std::printf("%-44s %8.1f MB\n", "peak RSS after the baseline", rss_base);
  std::printf("%-44s %8.1f MB\n", "peak RSS after the uat checks", rss_uat);
  for (const auto& r : results) {
    std::printf("  %-16s %7.2f s  %lld compared\n", r.id.c_str(), r.seconds, r.compared);
  }
  if (!o.keep) {
    a = pg::Connection(pg::conninfo_with_dbname(o.admin, "postgres"));
    b = pg::Connection(pg::conninfo_with_dbname(o.admin, "postgres"));
    for (const auto& db : {prod_db, test_db}) {
      admin.exec_no_rows("DROP DATABASE IF EXISTS " + pg::quote_identifier(db));
    }
  }
  return 0;
}
