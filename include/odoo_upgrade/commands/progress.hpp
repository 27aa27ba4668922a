#pragma once

// The progress of a long step on stderr (a transfer, a pg_dump, a pg_restore), for the commands
// that run one.

#include <odoo_upgrade/adapters/pg/tool_progress.hpp>
#include <odoo_upgrade/commands/context.hpp>
#include <odoo_upgrade/core/clock.hpp>
#include <odoo_upgrade/ports/file_transfer.hpp>

#include <functional>
#include <string>

namespace odoo_upgrade::commands {

// What every progress display shares: a bar redrawn in place when the output layer allows
// decorations on stderr (Output::progress_allowed: a terminal, no --json, -q or --no-color),
// otherwise a log line every 5 seconds at most.
class ProgressDisplay {
public:
  ProgressDisplay(std::string label, Output& out, core::Clock& clock);
  // Ends the bar's line (after the step, whatever its outcome).
  void finish();

protected:
  bool bar() const { return m_bar; }
  // True when a log line is due (5 s since the last one); notes the time when it is.
  bool log_due();
  // Redraws the line: "\r<label> [####      ] <text>".
  void draw(int percent, const std::string& text);
  const std::string& label() const { return m_label; }
  void touched() { m_any = true; }

private:
  std::string m_label;
  Output& m_out;
  core::Clock& m_clock;
  bool m_bar;
  core::TimePoint m_last;
  bool m_any = false;
};

// Transfer progress (rsync's bytes, rate and time left).
class TransferProgressDisplay : public ProgressDisplay {
public:
  using ProgressDisplay::ProgressDisplay;
  // Shows `p` (the bar at once; a log line when 5 s passed since the last one).
  void update(const ports::TransferProgress& p);
};

// Tables done of total of a pg_dump or pg_restore: the bar ("dump [####   ]  412/1034 tables"), or
// without one a log line "dump: 412/1034 tables" every 5 s at most and a last one at the end.
class TableProgressDisplay : public ProgressDisplay {
public:
  using ProgressDisplay::ProgressDisplay;
  void update(const adapters::pg::TableProgress& p);
  // Ends the bar's line, or logs the last count when it was not logged yet.
  void finish();

private:
  adapters::pg::TableProgress m_latest;
  bool m_logged = true;
};

// Runs `step` (a pg_dump or pg_restore given the progress callback) under a TableProgressDisplay
// labelled `label`, finished whatever the outcome; rethrows what `step` throws.
void with_table_progress(const std::string& label,
                         Output& out,
                         core::Clock& clock,
                         const std::function<void(const adapters::pg::TableProgressFn&)>& step);

} // namespace odoo_upgrade::commands
