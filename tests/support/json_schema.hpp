#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

// Validation of the documents odoo-upgrade writes against the JSON Schemas of docs/schemas/ (draft
// 07), with valijson (Debian's libvalijson-dev). A schema may refer to another file of that folder
// ("common.schema.json#/definitions/severity").
namespace odoo_upgrade::test {

// The folder of the schemas: <source>/docs/schemas.
std::filesystem::path schema_dir();

// The problems of `doc` against the schema in `schema_file`, one line each ("<json pointer>:
// <what>"); empty when it is valid. Throws std::runtime_error when the schema cannot be read.
std::vector<std::string> schema_errors(const nlohmann::json& doc,
                                       const std::filesystem::path& schema_file);

// The problems of a --json document against the schema its "schema" field names
// ("odoo-upgrade/<name>/1" → docs/schemas/<name>.schema.json); a missing or unknown "schema" field
// is a problem too.
std::vector<std::string> output_schema_errors(const nlohmann::json& doc);

// The problems of the --json output of one run (its whole stdout): it must be exactly one JSON
// document, valid against its schema.
std::vector<std::string> json_output_errors(const std::string& stdout_text);

} // namespace odoo_upgrade::test
