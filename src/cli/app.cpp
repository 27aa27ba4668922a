#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/adapters/system_clock.hpp>
#include <odoo_upgrade/cli/app.hpp>
#include <odoo_upgrade/cli/command_words.hpp>
#include <odoo_upgrade/cli/commands.hpp>
#include <odoo_upgrade/cli/logging.hpp>
#include <odoo_upgrade/commands/session.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/secrets.hpp>
#include <odoo_upgrade/version.hpp>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <optional>
#include <string_view>
#include <tuple>
#include <vector>

namespace odoo_upgrade::cli {

namespace {

using core::ExitCode;

using commands::Lock;

// The command table: every command of the method, in the order of the method.
// `needs_lock`: Lock::take when the command changes the project in every run, so the command line
// holds the project lock for the whole run (not with --dry-run); Lock::none when the command reads
// the project or locks only its changing sub-actions itself (commands::open_project).
struct CommandEntry {
  const char* name;
  const char* summary;
  Lock needs_lock;
  void (*register_fn)(CLI::App&, RunFn&);
};

const CommandEntry k_commands[] = {
    {"initiate",
     "inspect the production database and create the project file",
     Lock::none,
     register_initiate},
    {"test-request",
     "run a test upgrade round with Odoo's upgrade service",
     Lock::take,
     register_test_request},
    {"uat",
     "compare the upgraded test database with production; scenarios and sign-off",
     Lock::none,
     register_uat},
    {"runbook",
     "the customer's upgrade runbook: fixes recorded once, replayed in rounds and at go-live",
     Lock::none,
     register_runbook},
    {"freeze",
     "plan the go-live window; stop and restart data entry in production",
     Lock::none,
     register_freeze},
    {"prod-request",
     "send the frozen production database for its production upgrade",
     Lock::take,
     register_prod_request},
    {"restore",
     "go-live: put the upgraded database into production (with rollback)",
     Lock::take,
     register_restore},
    {"monitor", "check the upgraded production after go-live", Lock::none, register_monitor},
    {"status",
     "show the project: phase, rounds, history and the next step",
     Lock::none,
     register_status},
    {"log", "show the upgrade service's log of a round or a token", Lock::none, register_log},
    {"config",
     "show or change how the target Odoo runs (odoo-bin, addons paths, role...)",
     Lock::none,
     register_config},
    {"completion", "print the bash or zsh completion script", Lock::none, register_completion},
    {"help",
     "show the help of a command (odoo-upgrade help restore, help uat run)",
     Lock::none,
     register_help},
};

// Whether live decorations (a progress bar) may be drawn on stderr: a terminal, and neither -q,
// --no-color nor NO_COLOR.
bool stderr_decorations(bool no_color, bool quiet) {
  return !no_color && !quiet && isatty(STDERR_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr;
}

void on_signal(int) {
  core::set_interrupted();
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0; // no SA_RESTART: blocking calls return EINTR so loops notice
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

void print_error(const std::string& message, const std::string& hint) {
  std::cerr << "odoo-upgrade: error: " << core::redact(message) << "\n";
  if (!hint.empty()) {
    std::cerr << "hint: " << core::redact(hint) << "\n";
  }
  std::cerr.flush();
  std::string logged = message;
  if (!hint.empty()) {
    logged.append(" (hint: ").append(hint).append(")");
  }
  log_final_error(logged);
}

// Prints the error on stderr and, when --json was asked for and nothing was printed yet, the
// error document on stdout.
int fail(bool json, ExitCode code, const std::string& message, const std::string& hint) {
  print_error(message, hint);
  if (json) {
    std::cout << commands::error_document(code, message, hint).dump(2) << std::endl;
  }
  return static_cast<int>(code);
}

int fail(commands::Output& out,
         ExitCode code,
         const std::string& message,
         const std::string& hint) {
  return fail(out.json() && !out.has_result(), code, message, hint);
}

// Whether the command line asks for --json, read from the words themselves: a usage error stops
// the parser before it sets the flag. Words after "--" are arguments, not flags.
bool json_requested(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view word = argv[i];
    if (word == "--") {
      break;
    }
    if (word == "--json") {
      return true;
    }
  }
  return false;
}

// The global flags as parsed, before they become commands::GlobalOptions.
struct GlobalFlags {
  commands::GlobalOptions options;
  bool no_color = false;
  bool quiet = false;
  int verbose = 0;
  std::string project_arg;
  std::string log_file;
};

void add_global_options(CLI::App& app, GlobalFlags& flags) {
  const char* env_project = std::getenv("ODOO_UPGRADE_PROJECT");
  if (env_project != nullptr && *env_project != '\0') {
    flags.options.project = env_project;
  }
  app.add_option("--project", flags.project_arg, "project file (default ./odoo-upgrade.json)")
      ->envname("ODOO_UPGRADE_PROJECT")
      ->type_name("FILE");
  app.add_flag("--json", flags.options.json, "print exactly one JSON document on stdout");
  app.add_flag("--yes,-y", flags.options.yes, "never prompt; answer yes");
  app.add_flag(
      "--dry-run", flags.options.dry_run, "print the plan of a changing command, change nothing");
  app.add_flag("-v,--verbose", flags.verbose, "more detail on stderr (twice for trace)");
  app.add_flag("-q,--quiet", flags.quiet, "no result lines; only warnings and errors on stderr");
  app.add_option("--log-file", flags.log_file, "append a detailed log to FILE")->type_name("FILE");
  app.add_flag("--no-color", flags.no_color, "no colors or progress bars");
}

// The options once parsed: flags override the environment; colours only on a terminal.
void finish_options(GlobalFlags& flags) {
  auto& options = flags.options;
  if (!flags.project_arg.empty()) {
    options.project = flags.project_arg;
  }
  options.verbosity = flags.quiet ? -1 : flags.verbose;
  options.color =
      !flags.no_color && isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr;
  if (!flags.log_file.empty()) {
    options.log_file = flags.log_file;
  }
}

struct Subcommand {
  CLI::App* app;
  RunFn run;
  Lock lock;
};

// The commands whose options a run defines: those the command line names as a word, or every one
// when it names `help`, `completion` or no command at all (--help, a typo), whose output and errors
// describe them all. Every command keeps its name and summary (all the program's --help lists), so
// a run parses, refuses and names the commands as with the whole definition; defining the options
// of every command was a fifth of a `status` run (docs/benchmarks.md, "start-up"). A word that
// only happens to be a command's name (an option's value) defines one command more, nothing else.
// `argv` null: every command (the man pages and completions).
std::vector<bool> commands_to_define(int argc, char** argv) {
  const std::size_t count = std::size(k_commands);
  std::vector<bool> named(count, argv == nullptr);
  bool any = false;
  for (int i = 1; argv != nullptr && i < argc; ++i) {
    std::string_view word = argv[i];
    for (std::size_t c = 0; c < count; ++c) {
      if (word == k_commands[c].name) {
        named[c] = true;
        any = true;
        if (word == "help" || word == "completion") {
          return std::vector<bool>(count, true);
        }
      }
    }
  }
  return any ? named : std::vector<bool>(count, true);
}

std::vector<Subcommand> add_commands(CLI::App& app, const std::vector<bool>& define) {
  std::vector<Subcommand> subs;
  for (std::size_t c = 0; c < std::size(k_commands); ++c) {
    const auto& entry = k_commands[c];
    CLI::App* sub = app.add_subcommand(entry.name, entry.summary);
    RunFn run_fn;
    if (define[c]) {
      entry.register_fn(*sub, run_fn);
    }
    subs.push_back({sub, std::move(run_fn), entry.needs_lock});
  }
  return subs;
}

// Parses the command line; a help or version request, or a usage error, gives the exit code.
std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (auto unknown = unknown_command_in(app, argc, argv)) {
      return fail(json_requested(argc, argv), ExitCode::usage, unknown->what(), unknown->hint());
    }
    std::string msg = e.what();
    if (!msg.empty() && std::isupper(static_cast<unsigned char>(msg[0]))) {
      msg[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(msg[0])));
    }
    return fail(
        json_requested(argc, argv), ExitCode::usage, msg, "run 'odoo-upgrade --help' for usage");
  }
  return std::nullopt;
}

// Tests judge time-dependent facts against fixtures of any age by setting the clock. Only the
// commands that judge time without recording it for later commands honour it; the others refuse
// to run, so that a forgotten variable cannot record a false freeze or go-live time. A run that
// honours it says so every time.
void apply_test_clock(adapters::SystemClock& clock, const std::string& command) {
  auto start = adapters::test_clock_from_env();
  if (!start) {
    return;
  }
  if (command != "monitor" && command != "status") {
    throw core::UsageError(std::string(adapters::k_test_now_env) +
                               " is set: only monitor and status take a test clock, '" + command +
                               "' records real times",
                           std::string("unset ") + adapters::k_test_now_env);
  }
  clock = adapters::SystemClock(*start);
  spdlog::warn("the clock reads {} ({} is set: a test setting, unset it for real use)",
               core::iso8601_utc(*start),
               adapters::k_test_now_env);
}

// The subcommand the command line named.
std::string parsed_command(const std::vector<Subcommand>& subs) {
  for (const auto& sub : subs) {
    if (sub.app->parsed()) {
      return sub.app->get_name();
    }
  }
  return {};
}

// A directory given as the project file would be read as "not valid JSON" and get a lock file
// inside it: it is refused before anything else (help and completion read no project).
void refuse_directory_project(const std::string& command, const std::filesystem::path& project) {
  std::error_code ec;
  if (command == "help" || command == "completion" || !std::filesystem::is_directory(project, ec)) {
    return;
  }
  throw core::UsageError("project file '" + project.string() + "' is a directory",
                         "name the file in it, e.g. --project " +
                             (project / "odoo-upgrade.json").string());
}

// The name of the document a --json run of the parsed command prints
// (docs/schemas/<name>.schema.json): the command, and its subcommand when it has one ("uat-run",
// "freeze-plan", "status").
std::string document_name(const std::vector<Subcommand>& subs) {
  for (const auto& sub : subs) {
    if (!sub.app->parsed()) {
      continue;
    }
    for (const CLI::App* child : sub.app->get_subcommands()) {
      if (child->parsed()) {
        return sub.app->get_name() + "-" + child->get_name();
      }
    }
    return sub.app->get_name();
  }
  return {};
}

// Runs the parsed subcommand; a command that changes the project in every run holds its lock
// from here to the end.
int run_subcommand(const std::vector<Subcommand>& subs, commands::Context& ctx) {
  for (const auto& sub : subs) {
    if (!sub.app->parsed()) {
      continue;
    }
    spdlog::debug("running '{}'", sub.app->get_name());
    refuse_directory_project(sub.app->get_name(), ctx.options.project);
    std::optional<adapters::fs::ProjectLock> lock;
    if (sub.lock == Lock::take && !ctx.options.dry_run) {
      lock.emplace(ctx.options.project);
      ctx.project_locked = true;
    }
    int code = sub.run(ctx);
    spdlog::default_logger()->flush();
    return code;
  }
  return fail(ctx.out, ExitCode::usage, "no command given", "run 'odoo-upgrade --help'");
}

// The command-line definition: the program, its global flags and its commands (those
// commands_to_define(argc, argv) names with their options), bound to the storage the parse fills
// in. Neither copied nor moved: CLI11 keeps pointers into it.
struct CommandLine {
  CLI::App app{"odoo-upgrade: take an Odoo database from 'let's upgrade' to an upgraded, verified "
               "and monitored production",
               "odoo-upgrade"};
  GlobalFlags flags;
  std::vector<Subcommand> subs;

  CommandLine(int argc, char** argv) {
    app.set_version_flag("--version", std::string("odoo-upgrade ") + OU_VERSION_FULL);
    app.require_subcommand(1);
    app.fallthrough();
    add_global_options(app, flags);
    subs = add_commands(app, commands_to_define(argc, argv));
    list_global_options_in_commands(app);
  }
  CommandLine(const CommandLine&) = delete;
  CommandLine& operator=(const CommandLine&) = delete;
};

} // namespace

void with_command_line(const std::function<void(CLI::App&)>& use) {
  CommandLine line(0, nullptr);
  use(line.app);
}

int run(int argc, char** argv) {
  install_signal_handlers();

  CommandLine line(argc, argv);
  CLI::App& app = line.app;
  GlobalFlags& flags = line.flags;
  const std::vector<Subcommand>& subs = line.subs;
  if (auto code = parse_command_line(app, argc, argv)) {
    return *code;
  }
  finish_options(flags);
  const commands::GlobalOptions& options = flags.options;

  commands::Output out(std::cout,
                       std::cerr,
                       options.json,
                       options.color,
                       isatty(STDIN_FILENO) != 0,
                       stderr_decorations(flags.no_color, flags.quiet),
                       flags.quiet);
  adapters::SystemClock clock;
  out.set_document(document_name(subs));
  commands::Context ctx{options, out, clock};
  try {
    setup_logging(options.verbosity,
                  !flags.no_color && isatty(STDERR_FILENO) != 0 &&
                      std::getenv("NO_COLOR") == nullptr,
                  options.log_file);
    apply_test_clock(clock, parsed_command(subs));
    return run_subcommand(subs, ctx);
  } catch (const core::Error& e) {
    return fail(out, e.code(), e.what(), e.hint());
  } catch (const std::exception& e) {
    return fail(out,
                ExitCode::internal,
                std::string("internal error: ") + e.what(),
                "this is a bug in odoo-upgrade; please report it with the --log-file output");
  }
}

} // namespace odoo_upgrade::cli
