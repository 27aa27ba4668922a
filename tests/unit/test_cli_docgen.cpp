// The man pages and completions are written from the real command-line definition; the completion
// scripts are run by bash and zsh themselves, the man pages rendered by groff with warnings on.
#include <support/test_env.hpp>

#include <odoo_upgrade/adapters/process.hpp>
#include <odoo_upgrade/cli/app.hpp>
#include <odoo_upgrade/cli/docgen.hpp>

#include <catch2/catch.hpp>

#include <filesystem>

using namespace odoo_upgrade;
namespace fs = std::filesystem;

namespace {

cli::CommandInfo program() {
  cli::CommandInfo info;
  cli::with_command_line([&](CLI::App& app) { info = cli::describe(app); });
  return info;
}

const cli::CommandInfo* find(const cli::CommandInfo& root, const std::string& path) {
  if (root.path == path) {
    return &root;
  }
  for (const auto& sub : root.commands) {
    if (const auto* found = find(sub, path)) {
      return found;
    }
  }
  return nullptr;
}

const cli::OptionInfo* option(const cli::CommandInfo& cmd, const std::string& flag) {
  for (const auto& opt : cmd.options) {
    if (std::find(opt.flags.begin(), opt.flags.end(), flag) != opt.flags.end()) {
      return &opt;
    }
  }
  return nullptr;
}

fs::path scratch_dir() {
  static fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("ou-docgen-" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

// What the bash completion offers for `line` (the words typed, the last one being completed).
std::string bash_offers(const std::string& line) {
  static fs::path script = [] {
    fs::path p = scratch_dir() / "odoo-upgrade.bash";
    test::write_file(p, cli::bash_completion(program()));
    return p;
  }();
  std::string body = "source '" + script.string() + "'; read -ra COMP_WORDS <<< \"$1\"; " +
                     "[[ $1 == *' ' ]] && COMP_WORDS+=(''); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); " +
                     "_odoo_upgrade; printf '%s\\n' \"${COMPREPLY[@]}\" | sort | tr '\\n' ' '";
  auto r = adapters::run_process({"bash", "-c", body, "bash", line});
  INFO(r.err);
  REQUIRE(r.ok());
  return r.out;
}

// The same through zsh, with compadd (which keeps the words starting with the typed prefix) and
// _files standing in for the completion system.
std::string zsh_offers(const std::string& line) {
  static fs::path script = [] {
    fs::path p = scratch_dir() / "_odoo-upgrade";
    test::write_file(p, cli::zsh_completion(program()));
    return p;
  }();
  std::string body = "compadd() { shift; local w; for w in \"$@\"; do [[ $w == ${PREFIX}* ]] && "
                     "print -r -- $w; done }; _files() { print FILES }; "
                     "words=(${=1}); [[ $1 == *' ' ]] && words+=(''); CURRENT=${#words}; "
                     "PREFIX=${words[CURRENT]}; "
                     "source '" +
                     script.string() + "' | sort | tr '\\n' ' '";
  auto r = adapters::run_process({"zsh", "-f", "-c", body, "zsh", line});
  INFO(r.err);
  REQUIRE(r.ok());
  return r.out;
}

} // namespace

TEST_CASE("docgen: the description is the command line the binary parses") {
  auto root = program();
  CHECK(root.path == "odoo-upgrade");
  for (const char* cmd : {"initiate",
                          "test-request",
                          "uat",
                          "freeze",
                          "prod-request",
                          "restore",
                          "monitor",
                          "status",
                          "log",
                          "config",
                          "completion",
                          "help"}) {
    INFO(cmd);
    CHECK(find(root, std::string("odoo-upgrade ") + cmd) != nullptr);
  }
  const auto* report = find(root, "odoo-upgrade uat report");
  REQUIRE(report != nullptr);
  const auto* format = option(*report, "--format");
  REQUIRE(format != nullptr);
  CHECK(std::find(format->choices.begin(), format->choices.end(), "html") != format->choices.end());
  const auto* project = option(root, "--project");
  REQUIRE(project != nullptr);
  CHECK(project->env == "ODOO_UPGRADE_PROJECT");
  CHECK(option(root, "--help") == nullptr);
  const auto* status = find(root, "odoo-upgrade status");
  REQUIRE(status != nullptr);
  REQUIRE(option(*status, "--history") != nullptr);
  CHECK(option(*status, "--history")->value == "N");
  CHECK(option(*status, "--refresh")->value.empty());
  CHECK(option(*status, "--token")->env == "ODOO_UPGRADE_TOKEN");
  // What the official script can do (issue 14): a log command, requests by token, env, download.
  const auto* log = find(root, "odoo-upgrade log");
  REQUIRE(log != nullptr);
  for (const char* flag : {"--round", "--production", "--token", "--token-file", "--follow"}) {
    INFO(flag);
    CHECK(option(*log, flag) != nullptr);
  }
  for (const char* cmd : {"test-request", "prod-request"}) {
    const auto* request = find(root, std::string("odoo-upgrade ") + cmd);
    REQUIRE(request != nullptr);
    for (const char* flag : {"--attach", "--attach-file", "--ssh-key", "--env"}) {
      INFO(cmd << " " << flag);
      CHECK(option(*request, flag) != nullptr);
    }
    CHECK(option(*request, "--attach")->env == "ODOO_UPGRADE_ATTACH_TOKEN");
  }
  const auto* test_request = find(root, "odoo-upgrade test-request");
  CHECK(option(*test_request, "--no-restore") != nullptr);
  CHECK(option(*test_request, "--restore-only") != nullptr);
}

TEST_CASE("docgen: bash completes commands, actions, flags and closed sets of values") {
  CHECK(bash_offers("odoo-upgrade ua") == "uat ");
  CHECK(bash_offers("odoo-upgrade uat r") == "report run ");
  CHECK(bash_offers("odoo-upgrade uat report --format ") == "html json junit markdown md text ");
  CHECK(bash_offers("odoo-upgrade --project p.json st") == "status ");
  CHECK(bash_offers("odoo-upgrade completion ") == "bash zsh ");
  CHECK(bash_offers("odoo-upgrade status --re") == "--refresh ");
  // The program's own options complete after a command too (CLI11 falls through to them).
  CHECK(bash_offers("odoo-upgrade status --js") == "--json ");
  CHECK(bash_offers("odoo-upgrade uat mark item-1 ") == "fail pass skip ");
  // Every check id of the catalogue (core::uat::check_ids), the live checks among them.
  CHECK(bash_offers("odoo-upgrade uat run --check vi") == "views views-render ");
  CHECK(bash_offers("odoo-upgrade uat run --check record") == "record-counts records ");
  CHECK(bash_offers("odoo-upgrade uat run --check modules") == "modules modules-transient ");
}

TEST_CASE("docgen: zsh completes like bash") {
  CHECK(zsh_offers("odoo-upgrade uat r") == "report run ");
  CHECK(zsh_offers("odoo-upgrade uat report --format ") == "html json junit markdown md text ");
  CHECK(zsh_offers("odoo-upgrade --project p.json st") == "status ");
  CHECK(zsh_offers("odoo-upgrade status --js") == "--json ");
  CHECK(zsh_offers("odoo-upgrade --log-file ") == "FILES ");
  CHECK(zsh_offers("odoo-upgrade uat run --check vi") == "views views-render ");
}

TEST_CASE("docgen: every man page renders without a groff warning and lists every option") {
  auto root = program();
  auto pages = cli::man_pages(root, "9.9.9");
  REQUIRE(pages.size() == root.commands.size() + 1);
  for (const auto& page : pages) {
    INFO(page.file_name);
    fs::path file = scratch_dir() / page.file_name;
    test::write_file(file, page.text);
    auto r = adapters::run_process({"groff", "-man", "-Tutf8", "-ww", "-z", file.string()});
    CHECK(r.ok());
    CHECK(r.err.empty());
    CHECK(page.text.find("odoo-upgrade 9.9.9") != std::string::npos);
  }
  // A command page names each of its options and its actions' options.
  const auto& uat = pages[1 + 2]; // program, initiate, test-request, uat
  REQUIRE(uat.file_name == "odoo-upgrade-uat.1");
  for (const char* flag : {"\\-\\-format", "\\-\\-check", "\\-\\-by", "\\-\\-force"}) {
    CHECK(uat.text.find(flag) != std::string::npos);
  }
  CHECK(pages[0].text.find(".SH EXIT STATUS") != std::string::npos);
  CHECK(pages[0].text.find("ODOO_UPGRADE_PROJECT") != std::string::npos);
}
