#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/cli/docgen.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <algorithm>
#include <sstream>

namespace odoo_upgrade::cli {

namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, sep)) {
    parts.push_back(part);
  }
  return parts;
}

// CLI11 writes an option's type and its validators' descriptions as "TEXT:{a,b,c}"; a closed set
// of values (IsMember) is the part in braces, a named value (a validator's description such as "N")
// replaces the type.
void read_type_name(const std::string& type_name, OptionInfo& info) {
  auto parts = split(type_name, ':');
  if (parts.empty()) {
    return;
  }
  info.value = parts.front();
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
      for (auto& choice : split(part.substr(1, part.size() - 2), ',')) {
        info.choices.push_back(choice);
      }
    } else if (!part.empty() && part.find(' ') == std::string::npos) {
      info.value = part;
    }
  }
  if (info.value.empty()) {
    info.value = "VALUE";
  }
}

OptionInfo describe_option(const CLI::Option& opt) {
  OptionInfo info;
  for (const auto& s : opt.get_snames()) {
    info.flags.push_back("-" + s);
  }
  for (const auto& l : opt.get_lnames()) {
    info.flags.insert(info.flags.begin(), "--" + l);
  }
  info.name = opt.nonpositional() ? info.flags.front() : opt.get_name(true, false);
  if (opt.get_type_size_max() > 0) {
    read_type_name(opt.get_type_name(), info);
  }
  info.description = opt.get_description();
  info.env = opt.get_envname();
  info.required = opt.get_required();
  return info;
}

CommandInfo describe_app(CLI::App& app, const std::string& path) {
  CommandInfo info{path, app.get_description(), {}, {}, {}};
  const CLI::Option* help = app.get_help_ptr();
  for (const CLI::Option* opt : app.get_options({})) {
    if (opt == help || opt->get_group().empty()) {
      continue;
    }
    (opt->nonpositional() ? info.options : info.positionals).push_back(describe_option(*opt));
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App* a) { return !a->get_group().empty(); })) {
    info.commands.push_back(describe_app(*sub, path + " " + sub->get_name()));
  }
  return info;
}

std::string last_word(const std::string& path) {
  return path.substr(path.rfind(' ') + 1);
}

std::string join(const std::vector<std::string>& words, const char* sep = " ") {
  std::string out;
  for (const auto& w : words) {
    out += (out.empty() ? "" : sep) + w;
  }
  return out;
}

// The tables both completion scripts are written from, keyed by command path.
struct CompletionTables {
  std::vector<std::pair<std::string, std::string>> commands;  // path → its sub-commands
  std::vector<std::pair<std::string, std::string>> options;   // path → its flags
  std::vector<std::pair<std::string, std::string>> valued;    // path → flags taking a value
  std::vector<std::pair<std::string, std::string>> choices;   // "path flag" → closed set
  std::vector<std::pair<std::string, std::string>> arguments; // path → positional closed sets
};

void collect(const CommandInfo& cmd, CompletionTables& t) {
  std::vector<std::string> subs;
  for (const auto& sub : cmd.commands) {
    subs.push_back(last_word(sub.path));
  }
  std::vector<std::string> flags;
  std::vector<std::string> valued;
  for (const auto& opt : cmd.options) {
    flags.insert(flags.end(), opt.flags.begin(), opt.flags.end());
    if (!opt.value.empty()) {
      valued.insert(valued.end(), opt.flags.begin(), opt.flags.end());
      for (const auto& flag : opt.flags) {
        if (!opt.choices.empty()) {
          t.choices.emplace_back(cmd.path + " " + flag, join(opt.choices));
        }
      }
    }
  }
  std::vector<std::string> arguments;
  for (const auto& pos : cmd.positionals) {
    arguments.insert(arguments.end(), pos.choices.begin(), pos.choices.end());
  }
  t.commands.emplace_back(cmd.path, join(subs));
  t.options.emplace_back(cmd.path, join(flags));
  t.valued.emplace_back(cmd.path, join(valued));
  t.arguments.emplace_back(cmd.path, join(arguments));
  for (const auto& sub : cmd.commands) {
    collect(sub, t);
  }
}

// A shell word in single quotes (the values never hold a quote, but say so if one does).
std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

std::string assoc(const char* name,
                  const std::vector<std::pair<std::string, std::string>>& rows,
                  const char* indent) {
  std::string out = std::string(indent) + name + "=(\n";
  for (const auto& [key, value] : rows) {
    out += std::string(indent) + "  [" + quoted(key) + "]=" + quoted(value) + "\n";
  }
  return out + indent + ")\n";
}

// The word walk shared by both shells: `cmdpath` becomes the command the words so far name, a value
// after a flag that takes one is skipped. Written in the syntax both bash and zsh accept.
const char* const k_walk = R"(  local cmdpath=odoo-upgrade w expect=""
  for w in "${before[@]}"; do
    if [[ -n $expect ]]; then expect=""; continue; fi
    if [[ $w == -* ]]; then
      if [[ $w != *=* && " ${ou_valued[$cmdpath]} ${ou_valued[odoo-upgrade]} " == *" $w "* ]]; then expect=1; fi
      continue
    fi
    if [[ " ${ou_commands[$cmdpath]} " == *" $w "* ]]; then cmdpath="$cmdpath $w"; fi
  done
  local ou_set=""
  if [[ -n $expect ]]; then
    ou_set="${ou_choices[$cmdpath $prev]:-${ou_choices[odoo-upgrade $prev]}}"
    if [[ -z $ou_set ]]; then ou_files=1; fi
  elif [[ $cur == -* ]]; then
    ou_set="${ou_options[$cmdpath]}"
    if [[ $cmdpath != odoo-upgrade ]]; then ou_set+=" ${ou_options[odoo-upgrade]}"; fi
  elif [[ -n ${ou_commands[$cmdpath]} ]]; then
    ou_set="${ou_commands[$cmdpath]}"
  else
    ou_set="${ou_arguments[$cmdpath]}"
    if [[ -z $ou_set ]]; then ou_files=1; fi
  fi
)";

} // namespace

CommandInfo describe(CLI::App& app) {
  return describe_app(app, app.get_name());
}

std::string bash_completion(const CommandInfo& program) {
  CompletionTables t;
  collect(program, t);
  std::string s = "# bash completion for odoo-upgrade (written by `odoo-upgrade completion bash`)\n"
                  "_odoo_upgrade() {\n"
                  "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
                  "  local -a before=(\"${COMP_WORDS[@]:1:COMP_CWORD-1}\")\n"
                  "  local ou_files=\"\"\n"
                  "  local -A ou_commands ou_options ou_valued ou_choices ou_arguments\n";
  s += assoc("ou_commands", t.commands, "  ") + assoc("ou_options", t.options, "  ") +
       assoc("ou_valued", t.valued, "  ") + assoc("ou_choices", t.choices, "  ") +
       assoc("ou_arguments", t.arguments, "  ");
  s += k_walk;
  s += "  if [[ -n $ou_files ]]; then\n"
       "    compopt -o filenames 2>/dev/null\n"
       "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
       "  else\n"
       "    COMPREPLY=($(compgen -W \"$ou_set\" -- \"$cur\"))\n"
       "  fi\n"
       "}\n"
       "complete -F _odoo_upgrade odoo-upgrade\n";
  return s;
}

std::string zsh_completion(const CommandInfo& program) {
  CompletionTables t;
  collect(program, t);
  std::string s = "#compdef odoo-upgrade\n"
                  "# zsh completion for odoo-upgrade (written by `odoo-upgrade completion zsh`)\n"
                  "_odoo_upgrade() {\n"
                  "  local cur=\"${words[CURRENT]}\" prev=\"${words[CURRENT-1]}\"\n"
                  "  local -a before=(\"${(@)words[2,CURRENT-1]}\")\n"
                  "  local ou_files=\"\"\n"
                  "  local -A ou_commands ou_options ou_valued ou_choices ou_arguments\n";
  // zsh assigns an associative array from alternating keys and values.
  for (const auto& [name, rows] : {std::pair{"ou_commands", &t.commands},
                                   std::pair{"ou_options", &t.options},
                                   std::pair{"ou_valued", &t.valued},
                                   std::pair{"ou_choices", &t.choices},
                                   std::pair{"ou_arguments", &t.arguments}}) {
    s += std::string("  ") + name + "=(\n";
    for (const auto& [key, value] : *rows) {
      s += "    " + quoted(key) + " " + quoted(value) + "\n";
    }
    s += "  )\n";
  }
  s += k_walk;
  s += "  if [[ -n $ou_files ]]; then\n"
       "    _files\n"
       "  else\n"
       "    compadd -- ${=ou_set}\n"
       "  fi\n"
       "}\n"
       "_odoo_upgrade \"$@\"\n";
  return s;
}

void write_docs(const CommandInfo& program,
                std::string_view version,
                const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir / "man1", ec);
  std::filesystem::create_directories(dir / "completions", ec);
  if (ec) {
    throw core::FilesystemError("cannot create '" + dir.string() + "': " + ec.message());
  }
  for (const auto& page : man_pages(program, version)) {
    adapters::fs::write_file_atomic(dir / "man1" / page.file_name, page.text);
  }
  adapters::fs::write_file_atomic(dir / "completions" / "odoo-upgrade.bash",
                                  bash_completion(program));
  adapters::fs::write_file_atomic(dir / "completions" / "_odoo-upgrade", zsh_completion(program));
}

} // namespace odoo_upgrade::cli
