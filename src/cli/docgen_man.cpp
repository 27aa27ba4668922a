// The man pages of cli/docgen.hpp: man(7) macros only (.TH .SH .SS .TP .B .I .PP), so that man-db,
// mandoc and groff all render them.
#include <odoo_upgrade/cli/docgen.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <algorithm>
#include <cctype>

namespace odoo_upgrade::cli {

namespace {

// Text safe in a roff line: backslashes doubled as \e, hyphens in flags as \-, a leading dot or
// quote neutralised with \&.
std::string roff(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
  }
  if (!out.empty() && (out.front() == '.' || out.front() == '\'')) {
    out.insert(0, "\\&");
  }
  return out;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

// "what it does" → "What it does." (the descriptions are --help's lower-case fragments).
std::string sentence(std::string text) {
  if (text.empty()) {
    return text;
  }
  text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  if (text.back() != '.' && text.back() != '?' && text.back() != '!') {
    text += '.';
  }
  return text;
}

std::string page_name(const std::string& path) {
  std::string name = path;
  std::replace(name.begin(), name.end(), ' ', '-');
  return name;
}

// "\fB\-\-format\fR, \fB\-o\fR \fITEXT\fR" and the closed set of values.
std::string option_heading(const OptionInfo& opt) {
  std::string head;
  for (const auto& flag : opt.flags) {
    head += (head.empty() ? "" : ", ") + std::string("\\fB") + roff(flag) + "\\fR";
  }
  if (opt.flags.empty()) {
    head = "\\fI" + roff(opt.name) + "\\fR";
  } else if (!opt.value.empty()) {
    head += " \\fI" + roff(opt.value) + "\\fR";
  }
  return head;
}

std::string option_body(const OptionInfo& opt) {
  std::string body = roff(sentence(opt.description));
  if (!opt.choices.empty()) {
    std::string set;
    for (const auto& c : opt.choices) {
      set += (set.empty() ? "" : ", ") + c;
    }
    body += " One of: " + roff(set) + ".";
  }
  if (opt.required) {
    body += " Required.";
  }
  if (!opt.env.empty()) {
    body += " Also read from \\fB" + roff(opt.env) + "\\fR.";
  }
  return body;
}

std::string option_list(const std::vector<OptionInfo>& options) {
  std::string s;
  for (const auto& opt : options) {
    s += ".TP\n" + option_heading(opt) + "\n" + option_body(opt) + "\n";
  }
  return s;
}

std::string synopsis(const CommandInfo& cmd) {
  std::string s = ".B " + roff(cmd.path) + "\n[\\fIOPTIONS\\fR]";
  for (const auto& pos : cmd.positionals) {
    s += pos.required ? " \\fI" + roff(upper(pos.name)) + "\\fR"
                      : " [\\fI" + roff(upper(pos.name)) + "\\fR]";
  }
  if (!cmd.commands.empty()) {
    s += " \\fICOMMAND\\fR";
  }
  return s + "\n";
}

std::string header(const std::string& name, std::string_view version, const std::string& summary) {
  return ".TH " + roff(upper(name)) + " 1 \"\" \"odoo-upgrade " + std::string(version) +
         "\" \"User Commands\"\n.SH NAME\n" + roff(name) + " \\- " + roff(summary) + "\n";
}

// An action of a command ("uat run") and its own actions, one .SS each.
std::string action_sections(const CommandInfo& cmd) {
  std::string s;
  for (const auto& sub : cmd.commands) {
    s += ".SS \"" + roff(sub.path.substr(sub.path.find(' ') + 1)) + "\"\n" +
         roff(sentence(sub.summary)) + "\n.PP\n" + synopsis(sub) + option_list(sub.positionals) +
         option_list(sub.options);
    s += action_sections(sub);
  }
  return s;
}

std::string program_page(const CommandInfo& program, std::string_view version) {
  // --help's first line says "odoo-upgrade: what it does"; NAME says the name once.
  std::string summary = program.summary;
  if (summary.starts_with(program.path + ": ")) {
    summary.erase(0, program.path.size() + 2);
  }
  std::string s = header(program.path, version, summary);
  s += ".SH SYNOPSIS\n.B odoo-upgrade\n[\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR "
       "[\\fIOPTIONS\\fR]\n.SH DESCRIPTION\n" +
       roff(sentence(summary)) +
       " Each command is a phase of the upgrade method; `odoo-upgrade COMMAND --help` lists its "
       "options and odoo-upgrade-COMMAND(1) describes it. The full documentation is in "
       "/usr/share/doc/odoo-upgrade.\n.SH COMMANDS\n";
  for (const auto& cmd : program.commands) {
    s += ".TP\n\\fB" + roff(cmd.path.substr(cmd.path.find(' ') + 1)) + "\\fR\n" +
         roff(sentence(cmd.summary)) + " See \\fB" + roff(page_name(cmd.path)) + "\\fR(1).\n";
  }
  s += ".SH GLOBAL OPTIONS\nAccepted before or after the command.\n" +
       option_list(program.options) + ".SH EXIT STATUS\n";
  for (const auto& code : core::exit_codes()) {
    s += ".TP\n\\fB" + std::to_string(static_cast<int>(code.code)) + "\\fR\n" + roff(code.name) +
         ": " + roff(code.meaning) + ".\n";
  }
  s += ".SH ENVIRONMENT\n.TP\n\\fBNO_COLOR\\fR\nWhen set, no colours and no progress bars.\n";
  for (const auto& opt : program.options) {
    if (!opt.env.empty()) {
      s += ".TP\n\\fB" + roff(opt.env) + "\\fR\nThe default of " + option_heading(opt) + ".\n";
    }
  }
  s += ".SH SEE ALSO\n";
  std::string see;
  for (const auto& cmd : program.commands) {
    see += (see.empty() ? "" : ",\n") + std::string("\\fB") + roff(page_name(cmd.path)) + "\\fR(1)";
  }
  return s + see + "\n";
}

std::string command_page(const CommandInfo& cmd, std::string_view version) {
  std::string name = page_name(cmd.path);
  std::string word = cmd.path.substr(cmd.path.find(' ') + 1);
  std::string s = header(name, version, cmd.summary);
  s += ".SH SYNOPSIS\n" + synopsis(cmd) + ".SH DESCRIPTION\n" + roff(sentence(cmd.summary)) +
       " The global options of \\fBodoo\\-upgrade\\fR(1) apply too. The full documentation is "
       "/usr/share/doc/odoo-upgrade/commands/" +
       roff(word) + ".md.\n";
  if (!cmd.positionals.empty() || !cmd.options.empty()) {
    s += ".SH OPTIONS\n" + option_list(cmd.positionals) + option_list(cmd.options);
  }
  if (!cmd.commands.empty()) {
    s += ".SH COMMANDS\n" + action_sections(cmd);
  }
  return s + ".SH SEE ALSO\n\\fBodoo\\-upgrade\\fR(1)\n";
}

} // namespace

std::vector<ManPage> man_pages(const CommandInfo& program, std::string_view version) {
  std::vector<ManPage> pages{{page_name(program.path) + ".1", program_page(program, version)}};
  for (const auto& cmd : program.commands) {
    pages.push_back({page_name(cmd.path) + ".1", command_page(cmd, version)});
  }
  return pages;
}

} // namespace odoo_upgrade::cli
