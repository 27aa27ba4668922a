#include <odoo_upgrade/cli/commands.hpp>
#include <odoo_upgrade/commands/monitor.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/time.hpp>

#include <memory>

namespace odoo_upgrade::cli {

namespace {

std::chrono::milliseconds duration_option(const std::string& name, const std::string& text) {
  auto d = core::parse_duration(text);
  if (!d) {
    throw core::UsageError("option '" + name + "': '" + text + "' is not a duration",
                           "use e.g. 30s, 5m, 2h or a number of seconds");
  }
  return *d;
}

} // namespace

void register_monitor(CLI::App& sub, RunFn& run) {
  struct Raw {
    std::string url;
    std::string series;
    std::string watch;
    std::string duration;
  };
  auto raw = std::make_shared<Raw>();
  sub.add_option("--url", raw->url, "Odoo's base URL (default: monitor.url in the project)");
  sub.add_option("--series", raw->series, "expected Odoo series (default: the target version)");
  sub.add_option("--watch", raw->watch, "repeat every INTERVAL (e.g. 5m), printing changes");
  sub.add_option("--for", raw->duration, "with --watch: stop after DURATION (e.g. 2h)");
  run = [raw](commands::Context& ctx) {
    commands::MonitorOptions o;
    if (!raw->url.empty()) {
      o.url = raw->url;
    }
    if (!raw->series.empty()) {
      o.series = raw->series;
    }
    if (!raw->watch.empty()) {
      o.watch = duration_option("--watch", raw->watch);
    }
    if (!raw->duration.empty()) {
      o.duration = duration_option("--for", raw->duration);
    }
    return commands::run_monitor(o, ctx);
  };
}

} // namespace odoo_upgrade::cli
