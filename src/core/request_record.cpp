#include <odoo_upgrade/core/record.hpp>
#include <odoo_upgrade/core/request_record.hpp>

#include <array>
#include <cmath>
#include <utility>

namespace odoo_upgrade::core {

namespace {

using json = nlohmann::json;
using RS = RequestState;

constexpr std::array<std::pair<RequestState, std::string_view>, 14> k_state_names{{
    {RS::dumping, "dumping"},
    {RS::dumped, "dumped"},
    {RS::creating, "creating"},
    {RS::created, "created"},
    {RS::uploaded, "uploaded"},
    {RS::processing, "processing"},
    {RS::done, "done"},
    {RS::downloaded, "downloaded"},
    {RS::restoring, "restoring"},
    {RS::restored, "restored"},
    {RS::tested, "tested"},
    {RS::failed, "failed"},
    {RS::cancelled, "cancelled"},
    {RS::abandoned, "abandoned"},
}};

SentDump sent_dump_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  SentDump d;
  r.take("source", d.source);
  r.take("remote_name", d.remote_name);
  r.take("path", d.path);
  r.take("format", d.format);
  r.take("sha256", d.sha256);
  r.take("bytes", d.bytes);
  r.take("compression", d.compression);
  d.extra = r.rest();
  return d;
}

json to_json(const SentDump& d) {
  json j = d.extra;
  put_optional(j, "source", d.source);
  put_optional(j, "remote_name", d.remote_name);
  put_optional(j, "path", d.path);
  put_optional(j, "format", d.format);
  put_optional(j, "sha256", d.sha256);
  put_optional(j, "bytes", d.bytes);
  put_optional(j, "compression", d.compression);
  return j;
}

ReceivedDump received_dump_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  ReceivedDump d;
  r.take("path", d.path);
  r.take("sha256", d.sha256);
  r.take("bytes", d.bytes);
  d.extra = r.rest();
  return d;
}

json to_json(const ReceivedDump& d) {
  json j = d.extra;
  j["path"] = d.path;
  j["sha256"] = d.sha256;
  j["bytes"] = d.bytes;
  return j;
}

ReceivedFilestore received_filestore_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  ReceivedFilestore f;
  r.take("path", f.path);
  r.take("sha256", f.sha256);
  r.take("files", f.files);
  r.take("bytes", f.bytes);
  f.extra = r.rest();
  return f;
}

json to_json(const ReceivedFilestore& f) {
  json j = f.extra;
  j["path"] = f.path ? json(*f.path) : json(nullptr);
  put_optional(j, "sha256", f.sha256);
  j["files"] = f.files;
  put_optional(j, "bytes", f.bytes);
  return j;
}

Received received_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  Received rec;
  const json& dump = r.take_value("dump");
  const json& filestore = r.take_value("filestore");
  if (!dump.is_null()) {
    rec.dump = received_dump_from_json(dump, r.path("dump"));
  }
  if (!filestore.is_null()) {
    rec.filestore = received_filestore_from_json(filestore, r.path("filestore"));
  }
  r.take("report_path", rec.report_path);
  r.take("log_path", rec.log_path);
  rec.extra = r.rest();
  return rec;
}

json to_json(const Received& rec) {
  json j = rec.extra;
  if (rec.dump) {
    j["dump"] = to_json(*rec.dump);
  }
  if (rec.filestore) {
    j["filestore"] = to_json(*rec.filestore);
  }
  // Once downloaded, a file the service did not send is recorded as null.
  bool downloaded = rec.dump.has_value();
  for (const auto& [key, value] :
       {std::pair{"report_path", &rec.report_path}, std::pair{"log_path", &rec.log_path}}) {
    if (*value) {
      j[key] = **value;
    } else if (downloaded) {
      j[key] = nullptr;
    }
  }
  return j;
}

Timings timings_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  Timings t;
  r.take("dump_s", t.dump_s);
  r.take("upload_s", t.upload_s);
  r.take("processing_s", t.processing_s);
  r.take("download_s", t.download_s);
  r.take("restore_s", t.restore_s);
  r.take("update_s", t.update_s);
  r.take("open_s", t.open_s);
  r.take("dump_bytes", t.dump_bytes);
  r.take("dump_bytes_per_s", t.dump_bytes_per_s);
  r.take("upload_bytes", t.upload_bytes);
  r.take("upload_bytes_per_s", t.upload_bytes_per_s);
  r.take("download_bytes", t.download_bytes);
  r.take("download_bytes_per_s", t.download_bytes_per_s);
  r.take("restore_bytes", t.restore_bytes);
  r.take("restore_bytes_per_s", t.restore_bytes_per_s);
  r.take("database_bytes", t.database_bytes);
  t.extra = r.rest();
  return t;
}

json to_json(const Timings& t) {
  json j = t.extra;
  put_optional(j, "dump_s", t.dump_s);
  put_optional(j, "upload_s", t.upload_s);
  put_optional(j, "processing_s", t.processing_s);
  put_optional(j, "download_s", t.download_s);
  put_optional(j, "restore_s", t.restore_s);
  put_optional(j, "update_s", t.update_s);
  put_optional(j, "open_s", t.open_s);
  put_optional(j, "dump_bytes", t.dump_bytes);
  put_optional(j, "dump_bytes_per_s", t.dump_bytes_per_s);
  put_optional(j, "upload_bytes", t.upload_bytes);
  put_optional(j, "upload_bytes_per_s", t.upload_bytes_per_s);
  put_optional(j, "download_bytes", t.download_bytes);
  put_optional(j, "download_bytes_per_s", t.download_bytes_per_s);
  put_optional(j, "restore_bytes", t.restore_bytes);
  put_optional(j, "restore_bytes_per_s", t.restore_bytes_per_s);
  put_optional(j, "database_bytes", t.database_bytes);
  return j;
}

Transfers transfers_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  Transfers t;
  r.take("upload", t.upload);
  r.take("download", t.download);
  r.take("upload_errors", t.upload_errors);
  r.take("download_errors", t.download_errors);
  t.extra = r.rest();
  return t;
}

json to_json(const Transfers& t) {
  json j = t.extra;
  put_optional(j, "upload", t.upload);
  put_optional(j, "download", t.download);
  if (!t.upload_errors.empty()) {
    j["upload_errors"] = t.upload_errors;
  }
  if (!t.download_errors.empty()) {
    j["download_errors"] = t.download_errors;
  }
  return j;
}

Verification verification_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  Verification v;
  r.take("base_version", v.base_version);
  r.take("series", v.series);
  r.take("neutralized", v.neutralized);
  r.take("active_crons", v.active_crons);
  r.take("active_mail_servers", v.active_mail_servers);
  v.extra = r.rest();
  return v;
}

json to_json(const Verification& v) {
  json j = v.extra;
  j["base_version"] = v.base_version;
  j["series"] = v.series;
  j["neutralized"] = v.neutralized;
  j["active_crons"] = v.active_crons;
  j["active_mail_servers"] = v.active_mail_servers;
  return j;
}

// The nested objects of a record (each with its own FieldReader, so errors name the full path).
void take_nested(FieldReader& r, RequestRecord& rec) {
  rec.dump = sent_dump_from_json(r.take_value("dump"), r.path("dump"));
  rec.received = received_from_json(r.take_value("received"), r.path("received"));
  rec.timings = timings_from_json(r.take_value("timings"), r.path("timings"));
  rec.transfers = transfers_from_json(r.take_value("transfers"), r.path("transfers"));
  if (const json& v = r.take_value("verification"); !v.is_null()) {
    rec.verification = verification_from_json(v, r.path("verification"));
  }
  if (const json& t = r.take_value("target_odoo"); !t.is_null()) {
    rec.target_odoo = target_odoo_from_json(t, r.path("target_odoo"));
  }
  rec.runbook = step_results_from_json(r.take_value("runbook"), r.path("runbook"));
  if (const json& c = r.take_value("runbook_change"); !c.is_null()) {
    rec.runbook_change = runbook_change_from_json(c, r.path("runbook_change"));
  }
}

void take_state(FieldReader& r, RequestRecord& rec) {
  rec.state = take_enum(r, "state", rec.state, parse_request_state, "a known request state");
}

void take_times(FieldReader& r, RequestRecord& rec) {
  r.take("created_at", rec.created_at);
  r.take("updated_at", rec.updated_at);
  r.take("create_started_at", rec.create_started_at);
  r.take("request_created_at", rec.request_created_at);
  r.take("processing_started_at", rec.processing_started_at);
  r.take("finished_at", rec.finished_at);
}

void take_kind_fields(FieldReader& r, RequestRecord& rec) {
  r.take("test_db", rec.test_db);
  r.take("filestore_path", rec.filestore_path);
  r.take("filestore_files", rec.filestore_files);
  r.take("filestore_mode", rec.filestore_mode);
  r.take("filestore_copied_bytes", rec.filestore_copied_bytes);
  r.take("neutralized_by", rec.neutralized_by);
  r.take("database", rec.database);
  r.take("freeze_started_at", rec.freeze_started_at);
  r.take("invalidated", rec.invalidated);
}

void put_times(json& j, const RequestRecord& rec) {
  j["created_at"] = rec.created_at;
  j["updated_at"] = rec.updated_at;
  put_optional(j, "create_started_at", rec.create_started_at);
  put_optional(j, "request_created_at", rec.request_created_at);
  put_optional(j, "processing_started_at", rec.processing_started_at);
  put_optional(j, "finished_at", rec.finished_at);
}

void put_service_fields(json& j, const RequestRecord& rec) {
  put_optional(j, "create_error", rec.create_error);
  put_optional(j, "service_info", rec.service_info);
  put_optional(j, "service_status", rec.service_status);
  put_optional(j, "service_reason", rec.service_reason);
  put_optional(j, "reason", rec.reason);
  put_optional(j, "pg_version_compatible", rec.pg_version_compatible);
  put_optional(j, "dump_name", rec.dump_name);
  put_optional(j, "attached_at", rec.attached_at);
  put_optional(j, "ssh_key", rec.ssh_key);
  if (rec.env_vars.empty()) {
    j.erase("env_vars");
  } else {
    j["env_vars"] = rec.env_vars;
  }
}

void put_kind_fields(json& j, const RequestRecord& rec) {
  put_optional(j, "test_db", rec.test_db);
  put_optional(j, "filestore_path", rec.filestore_path);
  put_optional(j, "filestore_files", rec.filestore_files);
  put_optional(j, "filestore_mode", rec.filestore_mode);
  put_optional(j, "filestore_copied_bytes", rec.filestore_copied_bytes);
  put_optional(j, "neutralized_by", rec.neutralized_by);
  if (rec.verification) {
    j["verification"] = to_json(*rec.verification);
  } else {
    j.erase("verification");
  }
  if (rec.target_odoo) {
    j["target_odoo"] = to_json(*rec.target_odoo);
  } else {
    j.erase("target_odoo");
  }
  if (rec.runbook.empty()) {
    j.erase("runbook");
  } else {
    j["runbook"] = to_json(rec.runbook);
  }
  if (rec.runbook_change) {
    j["runbook_change"] = to_json(*rec.runbook_change);
  } else {
    j.erase("runbook_change");
  }
  put_optional(j, "database", rec.database);
  put_optional(j, "freeze_started_at", rec.freeze_started_at);
  put_optional(j, "invalidated", rec.invalidated);
}

} // namespace

const std::array<TimingHop, 5>& timing_hops() {
  static constexpr std::array<TimingHop, 5> k_hops{{
      {"dump", "dump_s", &Timings::dump_s, &Timings::dump_bytes, &Timings::dump_bytes_per_s},
      {"upload",
       "upload_s",
       &Timings::upload_s,
       &Timings::upload_bytes,
       &Timings::upload_bytes_per_s},
      {"processing", "processing_s", &Timings::processing_s, nullptr, nullptr},
      {"download",
       "download_s",
       &Timings::download_s,
       &Timings::download_bytes,
       &Timings::download_bytes_per_s},
      {"restore",
       "restore_s",
       &Timings::restore_s,
       &Timings::restore_bytes,
       &Timings::restore_bytes_per_s},
  }};
  return k_hops;
}

const TimingHop& timing_hop(Hop hop) {
  return timing_hops()[static_cast<std::size_t>(hop)];
}

std::optional<double> bytes_per_second(std::uint64_t bytes, std::chrono::milliseconds elapsed) {
  if (elapsed.count() <= 0) {
    return std::nullopt;
  }
  return std::round(static_cast<double>(bytes) * 1000.0 / static_cast<double>(elapsed.count()));
}

std::string_view to_string(RequestState state) {
  for (const auto& [s, name] : k_state_names) {
    if (s == state) {
      return name;
    }
  }
  return "dumping";
}

std::optional<RequestState> parse_request_state(std::string_view text) {
  for (const auto& [s, name] : k_state_names) {
    if (name == text) {
      return s;
    }
  }
  return std::nullopt;
}

bool is_final(RequestState state) {
  return state == RS::tested || state == RS::failed || state == RS::cancelled ||
         state == RS::abandoned;
}

bool Transfers::empty() const {
  return !upload && !download && upload_errors.empty() && download_errors.empty() && extra.empty();
}

RequestRecord request_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  RequestRecord rec;
  r.take("number", rec.number);
  r.take("aim", rec.aim);
  r.take("target", rec.target);
  take_state(r, rec);
  r.take("request_id", rec.request_id);
  r.take("host", rec.host);
  r.take("service_url", rec.service_url);
  take_times(r, rec);
  r.take("create_error", rec.create_error);
  r.take("service_info", rec.service_info);
  r.take("service_status", rec.service_status);
  r.take("service_reason", rec.service_reason);
  r.take("reason", rec.reason);
  r.take("pg_version_compatible", rec.pg_version_compatible);
  r.take("dump_name", rec.dump_name);
  r.take("attached_at", rec.attached_at);
  r.take("ssh_key", rec.ssh_key);
  r.take("env_vars", rec.env_vars);
  take_nested(r, rec);
  take_kind_fields(r, rec);
  rec.extra = r.rest();
  return rec;
}

json to_json(const RequestRecord& rec) {
  json j = rec.extra;
  j["number"] = rec.number;
  j["aim"] = rec.aim;
  j["target"] = rec.target;
  j["state"] = std::string(to_string(rec.state));
  j["request_id"] = rec.request_id ? json(*rec.request_id) : json(nullptr);
  j["host"] = rec.host;
  j["service_url"] = rec.service_url;
  put_times(j, rec);
  put_service_fields(j, rec);
  j["dump"] = to_json(rec.dump);
  j["received"] = to_json(rec.received);
  j["timings"] = to_json(rec.timings);
  if (!rec.transfers.empty()) {
    j["transfers"] = to_json(rec.transfers);
  }
  put_kind_fields(j, rec);
  return j;
}

ProductionRecord production_from_json(const json& j) {
  ProductionRecord p;
  json current = j;
  json previous = json::array();
  if (current.is_object() && current.contains("previous")) {
    previous = current["previous"];
    current.erase("previous");
  }
  p.request = request_from_json(current, "production");
  if (!previous.is_null() && !previous.is_array()) {
    invalid_field("production.previous",
                  std::string("is not a list (") + previous.type_name() + ")");
  }
  for (std::size_t i = 0; previous.is_array() && i < previous.size(); ++i) {
    p.previous.push_back(
        request_from_json(previous[i], "production.previous[" + std::to_string(i) + "]"));
  }
  return p;
}

json to_json(const ProductionRecord& production) {
  json j = to_json(production.request);
  json previous = json::array();
  for (const auto& old : production.previous) {
    previous.push_back(to_json(old));
  }
  j["previous"] = std::move(previous);
  return j;
}

std::vector<RequestRecord> read_rounds(const Project& project) {
  std::vector<RequestRecord> rounds;
  const json* list = project.find_section("rounds");
  if (list == nullptr) {
    return rounds;
  }
  if (!list->is_array()) {
    invalid_field("rounds", std::string("is not a list (") + list->type_name() + ")");
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    rounds.push_back(request_from_json((*list)[i], "rounds[" + std::to_string(i) + "]"));
  }
  return rounds;
}

std::optional<RequestRecord> read_latest_round(const Project& project) {
  const json* list = project.find_section("rounds");
  if (list == nullptr || !list->is_array() || list->empty()) {
    return std::nullopt;
  }
  return request_from_json(list->back(), "rounds[" + std::to_string(list->size() - 1) + "]");
}

void write_round(Project& project, const RequestRecord& round) {
  json& list = project.section("rounds");
  for (auto& r : list) {
    if (r.is_object() && r.value("number", -1) == round.number) {
      r = to_json(round);
      return;
    }
  }
  list.push_back(to_json(round));
}

std::optional<ProductionRecord> read_production(const Project& project) {
  const json* section = project.find_section("production");
  if (section == nullptr || (section->is_object() && section->empty())) {
    return std::nullopt;
  }
  return production_from_json(*section);
}

void write_production(Project& project, const ProductionRecord& production) {
  project.section("production") = to_json(production);
}

} // namespace odoo_upgrade::core
