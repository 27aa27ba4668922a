#include <odoo_upgrade/cli/logging.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/secrets.hpp>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <mutex>

namespace odoo_upgrade::cli {

namespace {

// Forwards every message to `inner` with registered secrets replaced by "***".
class RedactingSink : public spdlog::sinks::base_sink<std::mutex> {
public:
  explicit RedactingSink(spdlog::sink_ptr inner) : m_inner(std::move(inner)) {}

protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string text = core::redact(std::string_view(msg.payload.data(), msg.payload.size()));
    spdlog::details::log_msg copy(msg.time, msg.source, msg.logger_name, msg.level, text);
    if (m_inner->should_log(msg.level)) {
      m_inner->log(copy);
    }
  }
  void flush_() override { m_inner->flush(); }

private:
  spdlog::sink_ptr m_inner;
};

// Human progress lines on stderr: info as is, warnings and errors prefixed.
class HumanStderrSink : public spdlog::sinks::base_sink<std::mutex> {
public:
  explicit HumanStderrSink(bool color) : m_color(color) {}

protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string_view text(msg.payload.data(), msg.payload.size());
    const char* prefix = "";
    const char* on = "";
    const char* off = "";
    if (msg.level >= spdlog::level::err) {
      prefix = "error: ";
      on = m_color ? "\033[31m" : "";
      off = m_color ? "\033[0m" : "";
    } else if (msg.level == spdlog::level::warn) {
      prefix = "warning: ";
      on = m_color ? "\033[33m" : "";
      off = m_color ? "\033[0m" : "";
    } else if (msg.level <= spdlog::level::debug) {
      prefix = "debug: ";
    }
    std::fprintf(
        stderr, "%s%s%.*s%s\n", on, prefix, static_cast<int>(text.size()), text.data(), off);
  }
  void flush_() override { std::fflush(stderr); }

private:
  bool m_color;
};

// The --log-file's sink (redacting), for log_final_error; null without --log-file.
spdlog::sink_ptr g_file_sink;

} // namespace

void log_final_error(const std::string& message) {
  if (g_file_sink) {
    g_file_sink->log(spdlog::details::log_msg("odoo-upgrade", spdlog::level::err, message));
    g_file_sink->flush();
  }
}

void setup_logging(int verbosity,
                   bool color,
                   const std::optional<std::filesystem::path>& log_file) {
  auto human = std::make_shared<HumanStderrSink>(color);
  spdlog::level::level_enum level = spdlog::level::info;
  if (verbosity < 0) {
    level = spdlog::level::warn;
  } else if (verbosity == 1) {
    level = spdlog::level::debug;
  } else if (verbosity >= 2) {
    level = spdlog::level::trace;
  }
  human->set_level(level);
  std::vector<spdlog::sink_ptr> sinks{std::make_shared<RedactingSink>(human)};
  if (log_file) {
    std::shared_ptr<spdlog::sinks::basic_file_sink_mt> file;
    try {
      file = std::make_shared<spdlog::sinks::basic_file_sink_mt>(log_file->string(), false);
    } catch (const spdlog::spdlog_ex& e) {
      throw core::FilesystemError("cannot open log file '" + log_file->string() + "'");
    }
    file->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z [%l] %v");
    file->set_level(spdlog::level::trace);
    sinks.push_back(std::make_shared<RedactingSink>(file));
    g_file_sink = sinks.back();
  }
  auto logger = std::make_shared<spdlog::logger>("odoo-upgrade", sinks.begin(), sinks.end());
  logger->set_level(log_file ? spdlog::level::trace : level);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

} // namespace odoo_upgrade::cli
