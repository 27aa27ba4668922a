#pragma once

#include <odoo_upgrade/adapters/pg/pq.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The SQL of the UAT checks, written per Odoo series. Every check compares meaning, not columns:
// translated fields are read as their en_US text whether they are jsonb (16.0+) or plain columns,
// company-dependent fields as "company=value" lists whether they live in ir_property (up to 17.0)
// or in jsonb columns (18.0+), and renamed tables/columns are mapped to one canonical name.
namespace odoo_upgrade::adapters::pg {

// A translatable stored field and the table that holds it.
struct TranslatableField {
  std::string model;
  std::string field;
  std::string table;
};

// What the checks need to know about one database's schema.
struct DbProfile {
  std::string series; // from base's latest_version, e.g. "17.0"; empty when unknown
  int major = 0;
  // table → column → data type (format_type), for the tables of schema public.
  std::map<std::string, std::map<std::string, std::string>> columns;
  // Stored translatable fields whose column is jsonb (16.0+); empty before 16.0.
  std::vector<TranslatableField> translatable;

  bool has_table(const std::string& table) const;
  bool has_column(const std::string& table, const std::string& column) const;
  bool is_jsonb(const std::string& table, const std::string& column) const;
  // Translations live in jsonb columns (16.0+) rather than in ir_translation.
  bool translations_in_jsonb() const { return !has_table("ir_translation"); }
  // Company-dependent fields live in jsonb columns (18.0+) rather than in ir_property.
  bool company_dependent_in_jsonb() const { return !has_table("ir_property"); }
};

// Reads the schema and the series of the database `conn` is connected to. Throws DatabaseError
// when it is not an Odoo database (no ir_module_module).
DbProfile detect_profile(Connection& conn);

// Names of the keyed datasets, e.g. "views", "reports", "products", "trial_balance".
const std::vector<std::string>& keyed_dataset_names();

// The SQL of keyed dataset `name` for a database with `profile`: columns key (text, never NULL),
// name (text), std (boolean: the record belongs to a standard Odoo module) and vals (a JSON object
// of canonical texts). Rows are unordered; keys are unique (a repeated natural key, e.g. two
// filters with the same name, gets a " #n" suffix numbered in a row-order-independent way).
// std::nullopt when the database has none of the dataset's tables (an empty dataset). Throws
// std::invalid_argument for an unknown name.
std::optional<std::string> keyed_dataset_sql(std::string_view name, const DbProfile& profile);

// The records of a model counted by dataset "record_counts" (`count_key` is one of its keys, e.g.
// "res.partner" or "account.move/invoice"): rows (key, name, std, vals) with key the zero-padded
// id (the upgrade keeps ids) and name "xml id display name (id N)", unordered. std::nullopt for
// another key or when this database has no such table.
std::optional<std::string> counted_records_sql(std::string_view count_key,
                                               const DbProfile& profile);

// The records of `model` with chatter (dataset "chatter": messages on the record, activities,
// followers), one row each: key the zero-padded id (the upgrade keeps ids), name "xml id display
// name (id N)" (the display name from the model's table when it is `model` with dots as
// underscores, Odoo's default table name), vals {"messages", "activities", "followers"} as text,
// unordered. std::nullopt when this database has no mail_message table.
std::optional<std::string> chatter_records_sql(const std::string& model, const DbProfile& profile);

// Per-bucket digests of a dataset: rows (bucket int, n bigint, digest text) ordered by bucket,
// where bucket = hash of the key modulo $1. Equal digests mean equal rows with overwhelming
// probability, so only the buckets that differ need to be read row by row.
std::string bucket_digest_sql(const std::string& dataset_sql);
// The rows (key, name, std, vals) of the buckets listed in $2 (an int[] literal), modulo $1,
// ordered by key in byte order (COLLATE "C").
std::string bucket_rows_sql(const std::string& dataset_sql);
// The row (key, name, std, vals) whose key is $1 (none or one row).
std::string keyed_row_sql(const std::string& dataset_sql);
// Every row (key, name, std, vals), ordered by key in byte order.
std::string ordered_rows_sql(const std::string& dataset_sql);

} // namespace odoo_upgrade::adapters::pg
