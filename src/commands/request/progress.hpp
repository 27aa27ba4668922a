#pragma once

// Internal to the request room: the progress of a running transfer on stderr.

#include <odoo_upgrade/commands/context.hpp>
#include <odoo_upgrade/core/clock.hpp>
#include <odoo_upgrade/ports/file_transfer.hpp>

#include <string>

namespace odoo_upgrade::commands::request {

// Transfer progress on stderr: a bar redrawn in place when the output layer allows decorations on
// stderr (Output::progress_allowed), otherwise a log line every 5 seconds.
class TransferProgressDisplay {
public:
  TransferProgressDisplay(std::string label, Output& out, core::Clock& clock);
  // Shows `p` (the bar at once; a log line when 5 s passed since the last one).
  void update(const ports::TransferProgress& p);
  // Ends the bar's line (after the transfer, whatever its outcome).
  void finish();

private:
  void draw_bar(const ports::TransferProgress& p);

  std::string m_label;
  Output& m_out;
  core::Clock& m_clock;
  bool m_bar;
  core::TimePoint m_last;
  bool m_any = false;
};

} // namespace odoo_upgrade::commands::request
