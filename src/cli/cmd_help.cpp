#include <odoo_upgrade/cli/command_words.hpp>
#include <odoo_upgrade/cli/commands.hpp>

#include <memory>
#include <string>
#include <vector>

namespace odoo_upgrade::cli {

void register_help(CLI::App& sub, RunFn& run) {
  auto words = std::make_shared<std::vector<std::string>>();
  sub.add_option("command", *words, "the command (and sub-command) to explain, e.g. 'uat run'");
  CLI::App* program = sub.get_parent();
  run = [words, program](commands::Context& ctx) {
    // Walk down the command words as `COMMAND --help` would; a wrong word is a usage error that
    // names the nearest command.
    const CLI::App* target = program;
    std::string path;
    for (const auto& word : *words) {
      const CLI::App* next = find_command(*target, word);
      if (next == nullptr) {
        throw unknown_command_error(*target, path, word);
      }
      path += (path.empty() ? "" : " ") + word;
      target = next;
    }
    std::string name = path.empty() ? "odoo-upgrade" : "odoo-upgrade " + path;
    std::string text = target->get_formatter()->make_help(target, name, CLI::AppFormatMode::Normal);
    ctx.out.data({{"command", name}, {"help", text}}, [&](std::ostream& os) { os << text; });
    return 0;
  };
}

} // namespace odoo_upgrade::cli
