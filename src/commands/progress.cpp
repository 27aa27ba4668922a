#include <odoo_upgrade/commands/progress.hpp>
#include <odoo_upgrade/core/time.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iomanip>
#include <ostream>
#include <sstream>

namespace odoo_upgrade::commands {

ProgressDisplay::ProgressDisplay(std::string label, Output& out, core::Clock& clock)
    : m_label(std::move(label)), m_out(out), m_clock(clock), m_bar(out.progress_allowed()),
      m_last(clock.now()) {}

bool ProgressDisplay::log_due() {
  auto now = m_clock.now();
  if (now - m_last < std::chrono::seconds(5)) {
    return false;
  }
  m_last = now;
  return true;
}

void ProgressDisplay::draw(int percent, const std::string& text) {
  constexpr int k_width = 30;
  m_any = true;
  int filled = std::clamp(percent, 0, 100) * k_width / 100;
  m_out.err() << "\r" << m_label << " [" << std::string(static_cast<std::size_t>(filled), '#')
              << std::string(static_cast<std::size_t>(k_width - filled), ' ') << "] " << text
              << "   " << std::flush;
}

void ProgressDisplay::finish() {
  if (m_bar && m_any) {
    m_out.err() << "\n" << std::flush;
  }
  m_any = false;
}

void TransferProgressDisplay::update(const ports::TransferProgress& p) {
  touched();
  if (bar()) {
    std::ostringstream text;
    text << std::setw(3) << p.percent << "% " << std::setw(10)
         << core::format_bytes(static_cast<long long>(p.bytes)) << " " << std::setw(12) << p.rate
         << (p.elapsed ? " elapsed " : " eta ") << p.eta;
    draw(p.percent, text.str());
    return;
  }
  // Without a terminal (a log, CI), a line now and then instead of a redrawn bar.
  if (log_due()) {
    spdlog::info("{}: {}% ({}, {})",
                 label(),
                 p.percent,
                 core::format_bytes(static_cast<long long>(p.bytes)),
                 p.rate);
  }
}

void TableProgressDisplay::update(const adapters::pg::TableProgress& p) {
  touched();
  m_latest = p;
  if (bar()) {
    int percent = p.total == 0 ? 0 : static_cast<int>(p.done * 100 / p.total);
    std::ostringstream text;
    std::size_t width = std::to_string(p.total).size();
    text << std::setw(static_cast<int>(width)) << p.done << "/" << p.total << " tables";
    draw(percent, text.str());
    return;
  }
  m_logged = false;
  if (log_due()) {
    m_logged = true;
    spdlog::info("{}: {}/{} tables", label(), p.done, p.total);
  }
}

void TableProgressDisplay::finish() {
  if (!bar() && !m_logged) {
    m_logged = true;
    spdlog::info("{}: {}/{} tables", label(), m_latest.done, m_latest.total);
  }
  ProgressDisplay::finish();
}

void with_table_progress(const std::string& label,
                         Output& out,
                         core::Clock& clock,
                         const std::function<void(const adapters::pg::TableProgressFn&)>& step) {
  TableProgressDisplay display(label, out, clock);
  try {
    step([&](const adapters::pg::TableProgress& p) { display.update(p); });
  } catch (...) {
    display.finish();
    throw;
  }
  display.finish();
}

} // namespace odoo_upgrade::commands
