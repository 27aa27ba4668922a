#include <odoo_upgrade/commands/context.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/secrets.hpp>

#include <iostream>
#include <sstream>

namespace odoo_upgrade::commands {

namespace {

class NullBuffer : public std::streambuf {
protected:
  int overflow(int c) override { return c; }
};

std::ostream& null_stream() {
  static NullBuffer buf;
  static std::ostream s(&buf);
  return s;
}

} // namespace

nlohmann::json
error_document(core::ExitCode code, const std::string& message, const std::string& hint) {
  return {{"error",
           {{"code", static_cast<int>(code)},
            {"message", core::redact(message)},
            {"hint", core::redact(hint)}}},
          {"schema", schema_id("error")}};
}

Output::Output(std::ostream& out,
               std::ostream& err,
               bool json,
               bool color,
               bool stdin_tty,
               bool stderr_decorations,
               bool quiet)
    : m_out(out), m_err(err), m_json(json), m_color(color && !json), m_stdin_tty(stdin_tty),
      m_stderr_decorations(stderr_decorations), m_quiet(quiet) {}

void Output::result(const nlohmann::json& doc, const std::function<void(std::ostream&)>& human) {
  if (m_quiet && !m_json) {
    m_has_result = true;
    return;
  }
  data(doc, human);
}

void Output::data(const nlohmann::json& doc, const std::function<void(std::ostream&)>& human) {
  m_has_result = true;
  if (m_json && !m_document.empty() && doc.is_object()) {
    nlohmann::json with_schema = doc;
    with_schema["schema"] = schema_id(m_document);
    m_out << with_schema.dump(2) << std::endl;
  } else if (m_json) {
    m_out << doc.dump(2) << std::endl;
  } else if (human) {
    human(m_out);
    m_out.flush();
  }
}

std::ostream& Output::text() {
  return m_json || m_quiet ? null_stream() : m_out;
}

bool Output::confirm(const std::string& question, bool assume_yes) {
  if (assume_yes) {
    return true;
  }
  if (!m_stdin_tty) {
    throw core::PreconditionError("confirmation needed: " + question,
                                  "re-run with --yes to confirm without a prompt");
  }
  m_err << question << " [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) {
    return false;
  }
  return answer == "y" || answer == "Y" || answer == "yes";
}

std::string Output::bold(const std::string& s) const {
  return m_color ? "\033[1m" + s + "\033[0m" : s;
}
std::string Output::red(const std::string& s) const {
  return m_color ? "\033[31m" + s + "\033[0m" : s;
}
std::string Output::green(const std::string& s) const {
  return m_color ? "\033[32m" + s + "\033[0m" : s;
}
std::string Output::yellow(const std::string& s) const {
  return m_color ? "\033[33m" + s + "\033[0m" : s;
}

std::string schema_id(const std::string& name) {
  return "odoo-upgrade/" + name + "/" + std::to_string(k_output_schema_version);
}

void Context::record(core::Project& project,
                     const std::string& command,
                     const std::string& outcome,
                     nlohmann::json details) const {
  project.add_event({core::iso8601_utc(clock.now()), command, outcome, std::move(details)});
}

} // namespace odoo_upgrade::commands
