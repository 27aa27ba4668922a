#include "registry.hpp"
#include "scenario.hpp"
#include "support/test_env.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <stdexcept>

using namespace odoo_upgrade::sandbox;
using nlohmann::json;
using odoo_upgrade::test::read_file;
using odoo_upgrade::test::TempDir;
namespace fs = std::filesystem;

namespace {

CreateParams params() {
  CreateParams p;
  p.contract = "M-SECRET";
  p.target = "18.0";
  p.ssh_key = "ssh-ed25519 AAAA";
  return p;
}

} // namespace

TEST_CASE("sandbox::Registry adds, finds and saves requests", "[sandbox]") {
  TempDir dir("registry");
  fs::path file = dir / "registry.json";
  Registry reg(file);
  reg.note_create_call();
  reg.note_create_call();
  Request a = reg.add(params(), "tok-a", "2024-01-01T00:00:00Z");
  Request b = reg.add(params(), "tok-b", "2024-01-01T00:00:00Z");
  CHECK(a.id == 1);
  CHECK(b.id == 2);
  CHECK(a.status == Status::created);
  CHECK(reg.find_by_token("tok-b")->id == 2);
  CHECK_FALSE(reg.find_by_token(""));
  CHECK_FALSE(reg.find_by_token("nope"));

  auto updated = reg.update(
      1, [](Request& r) { r.status = Status::pending; }, "2024-01-01T00:01:00Z");
  REQUIRE(updated);
  CHECK(updated->status == Status::pending);
  CHECK(updated->updated_at == "2024-01-01T00:01:00Z");
  CHECK_FALSE(reg.update(
      99, [](Request&) {}, "x"));

  json saved = json::parse(read_file(file));
  CHECK(saved["create_calls"] == 2);
  CHECK(saved["requests_created"] == 2);
  CHECK(saved["requests"][0]["status"] == "pending");
  CHECK(saved["requests"][0]["token"] == "tok-a");
  struct stat st {};
  REQUIRE(stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  json pub = reg.to_json(false);
  CHECK_FALSE(pub["requests"][0].contains("token"));
  CHECK_FALSE(pub["requests"][0].contains("contract"));
  CHECK(pub.dump().find("M-SECRET") == std::string::npos);
}

TEST_CASE("sandbox::Registry reloads and fails requests cut by a restart", "[sandbox]") {
  TempDir dir("registry");
  fs::path file = dir / "registry.json";
  {
    Registry reg(file);
    reg.add(params(), "tok-a", "t");
    reg.add(params(), "tok-b", "t");
    reg.update(
        1, [](Request& r) { r.status = Status::progress; }, "t");
    reg.update(
        2, [](Request& r) { r.open_transfer = TransferType::upload; }, "t");
  }
  Registry again(file);
  CHECK(again.find(1)->status == Status::failed);
  CHECK_FALSE(again.find(1)->reason.empty());
  CHECK_FALSE(again.find(2)->open_transfer);
  CHECK(again.add(params(), "tok-c", "t").id == 3);
}

TEST_CASE("sandbox::apply_patch", "[sandbox]") {
  Scenario s = apply_patch(Scenario{},
                           {{"processing_delay_ms", 10},
                            {"fail_reason", "boom"},
                            {"uninstall_modules", {"auditlog"}},
                            {"cut_transfer_after_bytes", 4096},
                            {"pg_version_compatible", false}});
  CHECK(s.processing_delay.count() == 10);
  CHECK(s.fail_reason == "boom");
  CHECK(s.uninstall_modules == std::vector<std::string>{"auditlog"});
  CHECK(s.cut_transfer_after_bytes == 4096u);
  CHECK(s.pg_version_compatible == false);
  CHECK(apply_patch(s, {{"cut_transfer_after_bytes", nullptr}}).cut_transfer_after_bytes ==
        std::nullopt);

  json round = to_json(s);
  CHECK(apply_patch(Scenario{}, round).fail_reason == "boom");

  CHECK_THROWS_AS(apply_patch(Scenario{}, {{"nope", 1}}), std::invalid_argument);
  CHECK_THROWS_AS(apply_patch(Scenario{}, {{"http_error_rate", 2.0}}), std::invalid_argument);
  CHECK_THROWS_AS(apply_patch(Scenario{}, {{"processing_delay_ms", -1}}), std::invalid_argument);
  CHECK_THROWS_AS(apply_patch(Scenario{}, {{"uninstall_modules", {"a b"}}}), std::invalid_argument);
  CHECK_THROWS_AS(apply_patch(Scenario{}, json::array()), std::invalid_argument);
  CHECK(is_global_key("http_503_next"));
  CHECK_FALSE(is_global_key("fail_reason"));
}
