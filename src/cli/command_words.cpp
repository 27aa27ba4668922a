#include <odoo_upgrade/cli/command_words.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <sstream>
#include <vector>

namespace odoo_upgrade::cli {

namespace {

// Edit distance between two short words (for "did you mean").
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::vector<const CLI::App*> commands_of(const CLI::App& parent) {
  return parent.get_subcommands([](const CLI::App*) { return true; });
}

std::string joined(const std::string& path, std::string_view word) {
  return path.empty() ? std::string(word) : path + " " + std::string(word);
}

// The global options that take a value: the word after them is not a command.
bool takes_value(std::string_view word) {
  return word == "--project" || word == "--log-file";
}

// The index of the first word that is neither a global option nor its value; argc when none.
int first_word_index(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view word = argv[i];
    if (word == "--") {
      return argc;
    }
    if (takes_value(word)) {
      ++i;
    } else if (!word.starts_with("-")) {
      return i;
    }
  }
  return argc;
}

// One line per global option of `program`, as its help lists them.
std::string global_options_text(const CLI::App& program) {
  std::ostringstream os;
  os << "Global options (before or after the command; see 'odoo-upgrade --help'):\n";
  for (const CLI::Option* opt : program.get_options()) {
    std::string names = opt->get_name(false, true);
    if (names == "-h,--help" || names == "--version") {
      continue;
    }
    if (opt->get_type_size() != 0) {
      names += " " + opt->get_type_name();
    }
    os << "  " << names << std::string(names.size() < 28 ? 28 - names.size() : 1, ' ')
       << opt->get_description() << "\n";
  }
  std::string text = os.str();
  text.pop_back(); // CLI11 ends the footer's line itself
  return text;
}

void add_footer(CLI::App& command, const std::string& text) {
  command.footer([text] { return text; });
  for (CLI::App* sub : command.get_subcommands([](CLI::App*) { return true; })) {
    add_footer(*sub, text);
  }
}

} // namespace

const CLI::App* find_command(const CLI::App& parent, std::string_view word) {
  for (const CLI::App* sub : commands_of(parent)) {
    if (sub->get_name() == word) {
      return sub;
    }
  }
  return nullptr;
}

core::UsageError
unknown_command_error(const CLI::App& parent, const std::string& path, std::string_view word) {
  std::string nearest;
  std::size_t best = 3; // suggest only close names
  for (const CLI::App* sub : commands_of(parent)) {
    if (std::size_t d = edit_distance(word, sub->get_name()); d < best) {
      best = d;
      nearest = sub->get_name();
    }
  }
  std::string message = "unknown command '" + joined(path, word) + "'";
  if (!nearest.empty()) {
    message += ", did you mean '" + joined(path, nearest) + "'?";
  }
  std::string help = "odoo-upgrade help";
  return core::UsageError(
      message, "run '" + (path.empty() ? help : help + " " + path) + "' for the commands");
}

std::optional<core::UsageError> unknown_command_in(const CLI::App& program, int argc, char** argv) {
  int i = first_word_index(argc, argv);
  if (i >= argc) {
    return std::nullopt;
  }
  const CLI::App* command = find_command(program, argv[i]);
  if (command == nullptr) {
    return unknown_command_error(program, "", argv[i]);
  }
  // A command made of sub-commands (`uat run`, `freeze plan`): its next word names one of them.
  if (commands_of(*command).empty() || i + 1 >= argc) {
    return std::nullopt;
  }
  std::string_view next = argv[i + 1];
  if (next.starts_with("-") || find_command(*command, next) != nullptr) {
    return std::nullopt;
  }
  return unknown_command_error(*command, command->get_name(), next);
}

void list_global_options_in_commands(CLI::App& program) {
  std::string text = global_options_text(program);
  for (CLI::App* sub : program.get_subcommands([](CLI::App*) { return true; })) {
    add_footer(*sub, text);
  }
}

} // namespace odoo_upgrade::cli
