// Unit tests of the typed hooks (core/hooks_record.hpp).
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/hooks_record.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core;
using nlohmann::json;

TEST_CASE("core::hooks_from_json", "[core]") {
  json hooks = {{"before_freeze", {"sudo systemctl stop odoo", "echo stopped"}},
                {"after_restore", "sudo systemctl start odoo"}, // one command as a string
                {"on_rollback", nullptr},
                {"later_event", {"echo kept"}}};
  HookConfig h = hooks_from_json(hooks, "10m");
  CHECK(h.commands["before_freeze"] ==
        std::vector<std::string>{"sudo systemctl stop odoo", "echo stopped"});
  CHECK(h.commands["after_restore"] == std::vector<std::string>{"sudo systemctl start odoo"});
  CHECK_FALSE(h.commands.count("on_rollback"));
  CHECK(h.commands["later_event"] == std::vector<std::string>{"echo kept"});
  CHECK(h.timeout == "10m");
  // Written back as lists; events this build does not know are kept.
  json written = to_json(h);
  CHECK(written["after_restore"] == json{"sudo systemctl start odoo"});
  CHECK(written["later_event"] == json{"echo kept"});
  CHECK(hooks_from_json(written, json()).commands == h.commands);

  CHECK(hooks_from_json(json(), json()).commands.empty());
  CHECK_FALSE(hooks_from_json(json(), json()).timeout);
  CHECK(hooks_from_json(json(), 90).timeout == "90");
}

TEST_CASE("core::hooks_from_json refuses a wrong shape", "[core]") {
  CHECK_THROWS_WITH(hooks_from_json(json::array(), json()),
                    Catch::Contains("'hooks' is not an object"));
  CHECK_THROWS_WITH(hooks_from_json({{"before_freeze", 5}}, json()),
                    Catch::Contains("'hooks.before_freeze' is not a list of commands"));
  CHECK_THROWS_WITH(hooks_from_json({{"before_freeze", {"ok", 5}}}, json()),
                    Catch::Contains("'hooks.before_freeze' holds a non-string command"));
  CHECK_THROWS_AS(hooks_from_json(json::object(), true), FilesystemError);
}

TEST_CASE("core::read_hooks and write_hooks", "[core]") {
  Project project("Acme", TimePoint{});
  CHECK(read_hooks(project).commands.empty());
  HookConfig h;
  h.commands["after_lift"] = {"echo lifted"};
  h.timeout = "5m";
  write_hooks(project, h);
  CHECK(project.doc()["hooks"] == json{{"after_lift", {"echo lifted"}}});
  CHECK(project.doc()["hooks_timeout"] == "5m");
  h.timeout.reset();
  write_hooks(project, h);
  CHECK_FALSE(project.doc().contains("hooks_timeout"));
  CHECK(read_hooks(project).commands == h.commands);
}
