#pragma once

// Internal to the request room: the step runner behind request::run_steps. Its methods are spread
// over runner.cpp (the loop and the ends), service_steps.cpp (create, process, wait) and
// file_steps.cpp (dump, upload, download).

#include <odoo_upgrade/commands/progress.hpp>
#include <odoo_upgrade/commands/request/runner.hpp>
#include <odoo_upgrade/core/request_rules.hpp>
#include <odoo_upgrade/ports/file_transfer.hpp>
#include <odoo_upgrade/ports/upgrade_service.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace odoo_upgrade::commands::request {

class StepRunner {
public:
  StepRunner(RequestRun& run, const RequestPorts& ports, const ServiceSettings& settings)
      : m_run(run), m_ports(ports), m_settings(settings) {}

  // The loop: the next step from the recorded state (and the service's status), until the
  // request is finished, pending or fails.
  int run();

private:
  // What one transfer attempt does once the window is open.
  using Attempt = std::function<ports::TransferOutcome(ports::FileTransfer&,
                                                       const ports::TransferTarget&,
                                                       const ports::TransferGrant&,
                                                       TransferProgressDisplay&)>;

  core::RequestRecord& rec() { return m_run.record(); }
  // The service, made on first use and pinned to the request's host.
  ports::UpgradeService& service();
  // The request token from the secrets file (PreconditionError when it is missing).
  std::string token();

  // runner.cpp
  std::optional<int> perform(core::RequestStep step,
                             const std::optional<ports::RequestStatus>& status,
                             std::optional<ports::RequestStatus>& known);
  ports::RequestStatus fetch_status();
  int pending(const ports::RequestStatus& status);
  int finished();
  [[noreturn]] void refuse_ambiguous_create();
  [[noreturn]] void end_failed(const ports::RequestStatus& status);
  [[noreturn]] void end_archived();
  [[noreturn]] void end_unknown(const std::optional<ports::RequestStatus>& status);

  // service_steps.cpp
  void create();
  void process();
  std::optional<ports::RequestStatus> wait();
  void stream_logs(const std::string& token);
  void flush_log_lines();
  void note_processing_end();

  // file_steps.cpp
  void dump();
  void upload();
  void download();
  void record_received(const std::filesystem::path& dest, const std::string& dump_name);
  ports::TransferGrant transfer(ports::TransferDirection direction, const Attempt& attempt);
  [[noreturn]] void throw_no_space(ports::TransferDirection direction,
                                   const ports::TransferOutcome& outcome);
  ports::TransferTarget target_of(const ports::TransferGrant& grant,
                                  const std::filesystem::path& key) const;

  RequestRun& m_run;
  const RequestPorts& m_ports;
  const ServiceSettings& m_settings;
  std::unique_ptr<ports::UpgradeService> m_service;
  std::string m_log_partial;
};

} // namespace odoo_upgrade::commands::request
