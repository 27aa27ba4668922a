#include "progress.hpp"

#include <odoo_upgrade/core/time.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iomanip>
#include <ostream>

namespace odoo_upgrade::commands::request {

TransferProgressDisplay::TransferProgressDisplay(std::string label, Output& out, core::Clock& clock)
    : m_label(std::move(label)), m_out(out), m_clock(clock), m_bar(out.progress_allowed()),
      m_last(clock.now()) {}

void TransferProgressDisplay::update(const ports::TransferProgress& p) {
  m_any = true;
  if (m_bar) {
    draw_bar(p);
    return;
  }
  // Without a terminal (a log, CI), a line now and then instead of a redrawn bar.
  auto now = m_clock.now();
  if (now - m_last >= std::chrono::seconds(5)) {
    m_last = now;
    spdlog::info("{}: {}% ({}, {})",
                 m_label,
                 p.percent,
                 core::format_bytes(static_cast<long long>(p.bytes)),
                 p.rate);
  }
}

void TransferProgressDisplay::draw_bar(const ports::TransferProgress& p) {
  constexpr int k_width = 30;
  int filled = std::clamp(p.percent, 0, 100) * k_width / 100;
  std::ostream& err = m_out.err();
  err << "\r" << m_label << " [" << std::string(static_cast<std::size_t>(filled), '#')
      << std::string(static_cast<std::size_t>(k_width - filled), ' ') << "] " << std::setw(3)
      << p.percent << "% " << std::setw(10) << core::format_bytes(static_cast<long long>(p.bytes))
      << " " << std::setw(12) << p.rate << (p.elapsed ? " elapsed " : " eta ") << p.eta << "   "
      << std::flush;
}

void TransferProgressDisplay::finish() {
  if (m_bar && m_any) {
    m_out.err() << "\n" << std::flush;
  }
}

} // namespace odoo_upgrade::commands::request
