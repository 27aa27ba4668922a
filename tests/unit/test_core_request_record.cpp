// Unit tests of the typed request record (core/request_record): the keys real project files hold,
// unknown keys kept, wrong types refused with exit 6, and the rounds / production accessors.
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/request_record.hpp>
#include <odoo_upgrade/core/transitions.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core;
using nlohmann::json;

namespace {

// A tested round as test-request writes it (docs/commands/test-request.md), plus a key from a
// newer build at the top level and in a nested object.
json tested_round() {
  return json::parse(R"({
    "number": 1, "aim": "test", "target": "18.0", "state": "tested",
    "request_id": 7, "host": "127.0.0.1:36373", "service_url": "https://127.0.0.1:36373",
    "service_status": "done", "pg_version_compatible": true,
    "created_at": "2026-01-01T10:00:00Z", "updated_at": "2026-01-01T11:00:00Z",
    "create_started_at": "2026-01-01T10:01:00Z", "request_created_at": "2026-01-01T10:01:01Z",
    "processing_started_at": "2026-01-01T10:02:00Z", "finished_at": "2026-01-01T11:00:00Z",
    "dump": {"source": "pg_dump", "path": "/w/rounds/1/origin.dump", "format": "directory",
             "remote_name": "origin.dump", "sha256": "aa", "bytes": 5175325},
    "dump_name": "upgraded.dump",
    "received": {"dump": {"path": "/w/rounds/1/received/upgraded.dump", "sha256": "bb",
                          "bytes": 5175977},
                 "filestore": {"path": "/w/rounds/1/received/filestore", "sha256": "cc",
                               "files": 3, "bytes": 388},
                 "report_path": "/w/rounds/1/received/upgrade-report.html", "log_path": null},
    "test_db": "prod_test_18.0_r1", "filestore_path": "/d/filestore/prod_test_18.0_r1",
    "filestore_files": 1125, "neutralized_by": "service",
    "verification": {"base_version": "18.0.1.3", "series": "18.0", "neutralized": true,
                     "active_crons": 0, "active_mail_servers": 0},
    "target_odoo": {"state": "opened", "database": "prod_test_18.0_r1", "folder": "/w/rounds/1",
                    "attempts": 1, "update_log": "/w/rounds/1/odoo-update-1.log",
                    "http_log": "/w/rounds/1/odoo-http-1.log", "update_seconds": 6.4,
                    "open_seconds": 8.1, "message": "opens"},
    "timings": {"dump_s": 3.0, "upload_s": 2.0, "processing_s": 17.2, "download_s": 2.6,
                "restore_s": 12.2, "update_s": 6.4, "open_s": 8.1, "dump_bytes": 5175325,
                "dump_bytes_per_s": 1725108.0, "upload_bytes": 5175325,
                "upload_bytes_per_s": 2587663.0, "download_bytes": 5200113,
                "download_bytes_per_s": 2000043.0, "restore_bytes": 5199725,
                "restore_bytes_per_s": 426207.0, "database_bytes": 57000000,
                "future_s": 1.0},
    "transfers": {"upload": 2, "download": 1, "upload_errors": ["cut"]},
    "from_the_future": {"x": 1}
  })");
}

template <typename F>
std::string field_error(F&& f) {
  try {
    f();
  } catch (const FilesystemError& e) {
    CHECK(e.code() == ExitCode::filesystem);
    return e.what();
  }
  return "";
}

} // namespace

TEST_CASE("core::parse_request_state", "[core]") {
  for (auto s : {RequestState::dumping,
                 RequestState::dumped,
                 RequestState::creating,
                 RequestState::created,
                 RequestState::uploaded,
                 RequestState::processing,
                 RequestState::done,
                 RequestState::downloaded,
                 RequestState::restoring,
                 RequestState::restored,
                 RequestState::tested,
                 RequestState::failed,
                 RequestState::cancelled,
                 RequestState::abandoned}) {
    CHECK(parse_request_state(to_string(s)) == s);
  }
  CHECK_FALSE(parse_request_state("bogus").has_value());
  CHECK(is_final(RequestState::tested));
  CHECK(is_final(RequestState::abandoned));
  CHECK_FALSE(is_final(RequestState::processing));
  CHECK_FALSE(is_final(RequestState::downloaded));
}

TEST_CASE("core::request_from_json reads every key of a round and writes it back", "[core]") {
  json j = tested_round();
  RequestRecord r = request_from_json(j, "rounds[0]");
  CHECK(r.number == 1);
  CHECK(r.state == RequestState::tested);
  CHECK(r.request_id == 7);
  CHECK(r.dump.bytes == 5175325u);
  REQUIRE(r.received.dump);
  CHECK(r.received.dump->sha256 == "bb");
  REQUIRE(r.received.filestore);
  CHECK(r.received.filestore->files == 3);
  CHECK(r.received.report_path == "/w/rounds/1/received/upgrade-report.html");
  CHECK_FALSE(r.received.log_path);
  CHECK(r.timings.processing_s == Approx(17.2));
  CHECK(r.transfers.upload == 2);
  CHECK(r.transfers.upload_errors == std::vector<std::string>{"cut"});
  REQUIRE(r.verification);
  CHECK(r.verification->series == "18.0");
  CHECK(r.filestore_files == 1125u);
  REQUIRE(r.target_odoo);
  CHECK(r.target_odoo->state == TargetOdooState::opened);
  CHECK(r.timings.open_s == Approx(8.1));
  CHECK(r.timings.upload_bytes == 5175325u);
  CHECK(r.timings.upload_bytes_per_s == Approx(2587663.0));
  CHECK(r.timings.database_bytes == 57000000u);
  // Unknown keys are kept, at the top and inside nested objects, and the round trip is exact.
  CHECK(r.extra.contains("from_the_future"));
  CHECK(r.timings.extra.contains("future_s"));
  CHECK(to_json(r) == j);
}

TEST_CASE("core::to_json of a new request", "[core]") {
  RequestRecord r;
  r.number = 2;
  r.aim = "production";
  r.target = "18.0";
  r.database = "prod";
  json j = to_json(r);
  CHECK(j["state"] == "dumping");
  CHECK(j["request_id"].is_null());
  CHECK(j["host"] == "");
  CHECK(j["dump"] == json::object());
  CHECK(j["received"] == json::object());
  CHECK(j["timings"] == json::object());
  CHECK_FALSE(j.contains("transfers"));
  CHECK_FALSE(j.contains("test_db"));
  CHECK(j["database"] == "prod");
  // Once downloaded, a file the service did not send is recorded as null.
  r.received.dump = ReceivedDump{"/x", "aa", 1, json::object()};
  r.received.filestore = ReceivedFilestore{};
  j = to_json(r);
  CHECK(j["received"]["report_path"].is_null());
  CHECK(j["received"]["filestore"] == json{{"path", nullptr}, {"files", 0}});
}

TEST_CASE("core::request_from_json reads an attached round with its key and env names", "[core]") {
  json j = json::parse(R"({
    "number": 3, "aim": "test", "target": "18.0", "state": "processing", "request_id": null,
    "host": "127.0.0.1:1", "service_url": "https://127.0.0.1:1",
    "created_at": "2026-01-01T10:00:00Z", "updated_at": "2026-01-01T10:00:00Z",
    "attached_at": "2026-01-01T10:00:00Z", "ssh_key": "/keys/upgrade_ssh_key",
    "env_vars": ["UPG_DEBUG", "ODOO_UPG_FLAG"], "dump": {}, "received": {}, "timings": {}
  })");
  RequestRecord r = request_from_json(j, "rounds[2]");
  CHECK(r.attached_at == "2026-01-01T10:00:00Z");
  CHECK(r.ssh_key == "/keys/upgrade_ssh_key");
  CHECK(r.env_vars == std::vector<std::string>{"UPG_DEBUG", "ODOO_UPG_FLAG"});
  CHECK(to_json(r) == j);
  // A request without them writes none of the keys.
  RequestRecord plain;
  json k = to_json(plain);
  CHECK_FALSE(k.contains("attached_at"));
  CHECK_FALSE(k.contains("ssh_key"));
  CHECK_FALSE(k.contains("env_vars"));
  j["env_vars"] = "UPG_DEBUG";
  CHECK(field_error([&] { request_from_json(j, "rounds[2]"); }).find("rounds[2].env_vars") !=
        std::string::npos);
}

TEST_CASE("core::request_from_json refuses a field of the wrong type (exit 6)", "[core]") {
  json j = tested_round();
  j["target_odoo"]["state"] = "exploded";
  CHECK(field_error([&] {
          request_from_json(j, "rounds[0]");
        }).find("rounds[0].target_odoo.state") != std::string::npos);
  j = tested_round();
  j["request_id"] = "seven";
  CHECK(field_error([&] { request_from_json(j, "rounds[0]"); }).find("rounds[0].request_id") !=
        std::string::npos);
  j = tested_round();
  j["received"]["dump"]["sha256"] = 12;
  CHECK(field_error([&] {
          request_from_json(j, "rounds[0]");
        }).find("rounds[0].received.dump.sha256") != std::string::npos);
  j = tested_round();
  j["timings"]["upload_bytes"] = "82 MB";
  CHECK(field_error([&] {
          request_from_json(j, "rounds[0]");
        }).find("rounds[0].timings.upload_bytes") != std::string::npos);
  j = tested_round();
  j["state"] = "teleported";
  CHECK(field_error([&] { request_from_json(j, "production"); }).find("production.state") !=
        std::string::npos);
  CHECK(field_error([&] { request_from_json(json::array(), "rounds[3]"); }).find("rounds[3]") !=
        std::string::npos);
}

TEST_CASE("core::read_rounds and write_round", "[core]") {
  Project p("Acme", TimePoint{});
  CHECK(read_rounds(p).empty());
  CHECK_FALSE(read_latest_round(p));
  RequestRecord r;
  r.number = 1;
  write_round(p, r);
  r.number = 2;
  write_round(p, r);
  r.state = RequestState::failed;
  write_round(p, r); // replaces round 2
  auto rounds = read_rounds(p);
  REQUIRE(rounds.size() == 2);
  CHECK(rounds[1].state == RequestState::failed);
  CHECK(read_latest_round(p)->number == 2);
  p.doc()["rounds"][0]["number"] = "one";
  CHECK(field_error([&] { read_rounds(p); }).find("rounds[0].number") != std::string::npos);
}

TEST_CASE("core::read_production keeps the earlier requests in previous", "[core]") {
  Project p("Acme", TimePoint{});
  CHECK_FALSE(read_production(p));
  json section = tested_round();
  section["aim"] = "production";
  section["state"] = "downloaded";
  section["invalidated"] = "the freeze was lifted at 2026-01-02T00:00:00Z";
  json old = section;
  old["number"] = 0;
  old["state"] = "failed";
  section["previous"] = json::array({old});
  p.doc()["production"] = section;
  auto production = read_production(p);
  REQUIRE(production);
  CHECK(production->request.state == RequestState::downloaded);
  CHECK(production->request.invalidated);
  REQUIRE(production->previous.size() == 1);
  CHECK(production->previous[0].state == RequestState::failed);
  write_production(p, *production);
  CHECK(p.doc()["production"] == section);
  p.doc()["production"]["previous"][0]["state"] = 3;
  CHECK(field_error([&] { read_production(p); }).find("production.previous[0].state") !=
        std::string::npos);
}

TEST_CASE("core::phase_after_failed_round", "[core]") {
  Project p("Acme", TimePoint{});
  RequestRecord r;
  r.number = 1;
  r.state = RequestState::failed;
  write_round(p, r);
  r.number = 2;
  r.state = RequestState::abandoned;
  write_round(p, r);
  CHECK(phase_after_failed_round(p) == Phase::initiated);
  CHECK(p.phase() == Phase::initiated);
  r.number = 1;
  r.state = RequestState::tested;
  write_round(p, r);
  CHECK(phase_after_failed_round(p) == Phase::tested);
  CHECK(p.phase() == Phase::tested);
  CHECK(phase_after_failed_production_request(p) == Phase::frozen);
  CHECK(phase_after_round_started(p) == Phase::testing);
  CHECK(phase_after_round_tested(p) == Phase::tested);
  CHECK(phase_after_production_request_started(p) == Phase::production_request);
}

TEST_CASE("core::bytes_per_second", "[core]") {
  CHECK(bytes_per_second(82'000'000, std::chrono::milliseconds(4100)) == Approx(20'000'000));
  CHECK(bytes_per_second(1000, std::chrono::milliseconds(3)) == Approx(333'333));
  CHECK_FALSE(bytes_per_second(1000, std::chrono::milliseconds(0)));
}
