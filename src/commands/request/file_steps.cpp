// The steps that move files: dump production, upload the dump, download the result (rsync over
// SSH through the FileTransfer port, retried with a fresh transfer window per attempt).
#include "opening.hpp"
#include "steps.hpp"

#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/fs/tree_digest.hpp>
#include <odoo_upgrade/adapters/pg/data_directory.hpp>
#include <odoo_upgrade/adapters/pg/dump_restore.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/secrets.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <optional>

namespace odoo_upgrade::commands::request {

namespace {

namespace stdfs = std::filesystem;
namespace pg = adapters::pg;
using core::RequestState;

const char* direction_name(ports::TransferDirection direction) {
  return direction == ports::TransferDirection::upload ? "upload" : "download";
}

// The sha256 and size of a dump, a file or a folder (files.hpp sha256_tree), read once.
struct DumpDigest {
  std::string sha256;
  std::uint64_t bytes = 0;
};
DumpDigest digest_of(const stdfs::path& p) {
  if (stdfs::is_directory(p)) {
    auto tree = adapters::fs::TreeDigest(p).finish();
    return {tree.sha256, tree.bytes};
  }
  return {adapters::fs::sha256_file(p), stdfs::file_size(p)};
}

std::uint64_t size_of(const stdfs::path& p) {
  return stdfs::is_directory(p) ? adapters::fs::tree_size(p).bytes : stdfs::file_size(p);
}

// The bytes a download received: the upgraded dump, the filestore, the report and the log (their
// sizes as recorded, the two small files stat'ed).
std::uint64_t received_bytes(const core::Received& received) {
  std::uint64_t bytes = received.dump ? received.dump->bytes : 0;
  if (received.filestore) {
    bytes += received.filestore->bytes.value_or(0);
  }
  for (const auto& file : {received.report_path, received.log_path}) {
    std::error_code ec;
    auto size = file ? stdfs::file_size(*file, ec) : 0;
    bytes += ec ? 0 : size;
  }
  return bytes;
}

// pg_database_size of production now, through the project's conninfo.
std::uint64_t production_size(RequestRun& run) {
  pg::Connection conn(source_conninfo(run.project(), run.session().secrets()));
  conn.set_read_only();
  return pg::database_size(conn);
}

} // namespace

std::string dump_settings_text(const RequestOptions& options) {
  return "pg_dump, " + std::to_string(options.jobs) + " jobs, " +
         (options.compression == 0 ? std::string("uncompressed")
                                   : "gzip level " + std::to_string(options.compression));
}

void StepRunner::dump() {
  auto start = m_run.ctx().clock.now();
  m_run.set_state(RequestState::dumping);
  auto& d = rec().dump;
  stdfs::path path;
  std::optional<adapters::fs::TreeDigest> digest; // the dump this step writes
  if (const auto& given = m_run.kind().dump_file) {
    // A dump the user gave (test-request --dump): sent as it is.
    auto file = pg::validate_dump_file(*given);
    path = file.path;
    d.source = "file";
    d.remote_name = file.remote_name;
    spdlog::info("{}: using the dump '{}'", m_run.label(), path.string());
  } else {
    path = m_run.dir() / "origin.dump";
    const auto& runbook = m_run.kind().before_upload_steps;
    auto steps = runbook ? runbook(m_run.project()) : std::vector<core::RunbookStep>{};
    // With before-upload steps, production's own dump is only the scratch copy's source.
    stdfs::path production = steps.empty() ? path : m_run.dir() / "production.dump";
    spdlog::info("{}: dumping production database '{}' ({})",
                 m_run.label(),
                 production_db_name(m_run.project()),
                 dump_settings_text(m_run.options()));
    // The size the hops' rates are measured at: the freeze plan scales them from it. The disk check
    // read it just before (entry.cpp require_request_space); else it is read now.
    if (!rec().timings.database_bytes) {
      rec().timings.database_bytes = production_size(m_run);
    }
    // The dump sent is hashed file by file while pg_dump writes it (each table's file once pg_dump
    // closed it), not read again after it.
    digest.emplace(path);
    auto hash_sent = [&digest](const stdfs::path& file) { digest->add(file); };
    with_table_progress(
        "dump", m_run.ctx().out, m_run.ctx().clock, [&](const pg::TableProgressFn& progress) {
          pg::dump_database(source_conninfo(m_run.project(), m_run.session().secrets()),
                            production,
                            m_run.options().jobs,
                            m_run.options().compression,
                            progress,
                            steps.empty() ? pg::DataFileFn(hash_sent) : pg::DataFileFn());
        });
    if (!steps.empty()) {
      run_before_upload(m_run, production, path, steps, hash_sent);
    }
    d.source = steps.empty() ? "pg_dump" : "runbook-scratch";
    d.compression = m_run.options().compression;
    d.remote_name = "origin.dump";
  }
  // The checksum proves later what was sent.
  d.path = path.string();
  d.format = stdfs::is_directory(path) ? "directory" : "file";
  if (digest) {
    auto hashed = digest->finish();
    d.sha256 = hashed.sha256;
    d.bytes = hashed.bytes;
    spdlog::debug("{}: {} of the dump's {} files hashed while pg_dump wrote them",
                  m_run.label(),
                  hashed.hashed_early,
                  hashed.files);
  } else {
    auto given = digest_of(path);
    d.sha256 = given.sha256;
    d.bytes = given.bytes;
  }
  if (d.source == "file") {
    m_run.note_timing(&core::Timings::dump_s, start);
  } else {
    m_run.note_hop(core::Hop::dump, *d.bytes, start);
  }
  spdlog::info("{}: dump ready ({}) in {}s",
               m_run.label(),
               core::format_bytes(static_cast<long long>(*d.bytes)),
               *rec().timings.dump_s);
  m_run.set_state(RequestState::dumped);
}

void StepRunner::upload() {
  auto start = m_run.ctx().clock.now();
  stdfs::path local = rec().dump.path.value_or("");
  std::string remote = rec().dump.remote_name.value_or("origin.dump");
  std::error_code ec;
  if (local.empty() || !stdfs::exists(local, ec)) {
    throw core::FilesystemError(m_run.label() + ": dump '" + local.string() + "' is missing",
                                "run 'odoo-upgrade " + m_run.kind().command +
                                    " --abandon' and start again");
  }
  spdlog::info("{}: uploading the dump ({})",
               m_run.label(),
               core::format_bytes(static_cast<long long>(rec().dump.bytes.value_or(0))));
  transfer(ports::TransferDirection::upload,
           [&](ports::FileTransfer& t,
               const ports::TransferTarget& target,
               const ports::TransferGrant&,
               TransferProgressDisplay& progress) {
             return t.upload(target, local, remote, [&](const ports::TransferProgress& p) {
               progress.update(p);
             });
           });
  m_run.note_hop(core::Hop::upload, rec().dump.bytes ? *rec().dump.bytes : size_of(local), start);
  spdlog::info("{}: upload done in {}s", m_run.label(), *rec().timings.upload_s);
  m_run.set_state(RequestState::uploaded);
}

void StepRunner::download() {
  note_processing_end();
  // Processing is over: whoever waits for it hears now (again after a failed download).
  notify(m_run, "request_done");
  auto start = m_run.ctx().clock.now();
  stdfs::path dest = m_run.dir() / "received";
  if (m_ports.check_download_space) {
    m_ports.check_download_space(m_run.project(),
                                 m_run.session().secrets(),
                                 rec(),
                                 m_run.dir(),
                                 m_run.label(),
                                 m_run.options().skip_disk_check);
  }
  std::error_code ec;
  stdfs::create_directories(dest, ec);
  if (ec) {
    throw core::FilesystemError("cannot create '" + dest.string() + "': " + ec.message());
  }
  spdlog::info("{}: downloading the upgraded database", m_run.label());
  auto grant =
      transfer(ports::TransferDirection::download,
               [&](ports::FileTransfer& t,
                   const ports::TransferTarget& target,
                   const ports::TransferGrant& g,
                   TransferProgressDisplay& progress) {
                 rec().dump_name = g.dump_name;
                 return t.download(target,
                                   {g.dump_name, "filestore", "upgrade-report.html", "upgrade.log"},
                                   dest,
                                   [&](const ports::TransferProgress& p) { progress.update(p); });
               });
  record_received(dest, grant.dump_name);
  m_run.note_hop(core::Hop::download, received_bytes(rec().received), start);
  spdlog::info("{}: download done in {}s", m_run.label(), *rec().timings.download_s);
  m_run.set_state(RequestState::downloaded);
}

// Records what was received, with checksums that `restore` checks again before using it.
void StepRunner::record_received(const stdfs::path& dest, const std::string& dump_name) {
  std::error_code ec;
  stdfs::path dump = dest / dump_name;
  if (dump_name.empty() || !stdfs::exists(dump, ec)) {
    throw core::ServiceError(
        m_run.label() + ": the upgraded dump '" + dump_name + "' was not received",
        "re-run 'odoo-upgrade " + m_run.kind().command + "' to download again");
  }
  auto& received = rec().received;
  // Each tree is walked once: its digest and its size together.
  auto hashed = digest_of(dump);
  received.dump = core::ReceivedDump{dump.string(), hashed.sha256, hashed.bytes, {}};
  core::ReceivedFilestore filestore;
  stdfs::path fs_dir = dest / "filestore";
  if (stdfs::exists(fs_dir, ec)) {
    auto tree = adapters::fs::TreeDigest(fs_dir).finish();
    filestore.path = fs_dir.string();
    filestore.sha256 = tree.sha256;
    filestore.files = tree.files;
    filestore.bytes = tree.bytes;
  }
  received.filestore = filestore;
  auto present = [&](const char* name) -> std::optional<std::string> {
    stdfs::path p = dest / name;
    return stdfs::exists(p, ec) ? std::optional(p.string()) : std::nullopt;
  };
  received.report_path = present("upgrade-report.html");
  received.log_path = present("upgrade.log");
}

void StepRunner::throw_no_space(ports::TransferDirection direction,
                                const ports::TransferOutcome& outcome) {
  if (direction == ports::TransferDirection::upload) {
    throw core::ServiceError(m_run.label() +
                                 ": the upgrade service's data server has no space "
                                 "left for the upload: " +
                                 outcome.message,
                             "contact Odoo's support; re-run once they freed space (the upload "
                             "resumes)");
  }
  // The partial download goes at once: the full filesystem may be one production needs.
  stdfs::path dest = m_run.dir() / "received";
  std::error_code ec;
  auto received = adapters::fs::tree_size(dest).bytes;
  stdfs::remove_all(dest, ec);
  auto space = stdfs::space(dest.parent_path(), ec);
  std::string free =
      ec ? std::string("unknown") : core::format_bytes(static_cast<long long>(space.available));
  throw core::FilesystemError(
      m_run.label() + ": no space left on '" + dest.string() + "' while downloading (" +
          core::format_bytes(static_cast<long long>(received)) + " received and removed again; " +
          free + " free now)",
      "free space on that filesystem (or point the project's work_dir elsewhere), then re-run "
      "'odoo-upgrade " +
          m_run.kind().command + "': the download starts over");
}

ports::TransferTarget StepRunner::target_of(const ports::TransferGrant& grant,
                                            const stdfs::path& key) const {
  ports::TransferTarget target;
  const std::string& host = m_run.record().host;
  target.host = core::ssh_host_of(host.empty() ? m_settings.url : host);
  target.port = grant.ssh_port;
  target.user = m_settings.data_server_user;
  target.remote_dir = "/data";
  target.known_hosts = grant.known_hosts;
  target.private_key = key;
  return target;
}

ports::TransferGrant StepRunner::transfer(ports::TransferDirection direction,
                                          const Attempt& attempt) {
  auto& ctx = m_run.ctx();
  std::string what = direction_name(direction);
  // An attached request's transfers need the key it was created with.
  auto key =
      rec().ssh_key ? stdfs::path(*rec().ssh_key) : m_ports.ssh_key(ctx.project_path()).private_key;
  auto transfer = m_ports.make_transfer();
  bool upload = direction == ports::TransferDirection::upload;
  auto& errors = upload ? rec().transfers.upload_errors : rec().transfers.download_errors;
  ports::TransferOutcome last;
  int attempts = std::max(1, m_run.options().transfer_attempts);
  for (int i = 1; i <= attempts; ++i) {
    core::throw_if_interrupted();
    // A fresh window per attempt: the service closes transfer sessions after a while.
    auto grant = service().start_transfer(token(), direction);
    TransferProgressDisplay progress(what, ctx.out, ctx.clock);
    auto outcome = attempt(*transfer, target_of(grant, key), grant, progress);
    progress.finish();
    if (outcome.ok) {
      service().stop_transfer(token());
      (upload ? rec().transfers.upload : rec().transfers.download) = i;
      return grant;
    }
    // A full disk is not a cut: retrying cannot help.
    if (outcome.no_space) {
      errors.push_back(core::redact(outcome.message));
      m_run.save();
      throw_no_space(direction, outcome);
    }
    // A cut transfer resumes from its partial files on the next attempt.
    last = outcome;
    errors.push_back(core::redact(outcome.message));
    m_run.save();
    if (i < attempts) {
      auto delay = core::transfer_retry_delay(i);
      spdlog::warn("{} attempt {}/{} failed: {}; resuming in {}s",
                   what,
                   i,
                   attempts,
                   outcome.message,
                   delay.count() / 1000);
      ctx.clock.sleep_for(delay);
    }
  }
  // The transport's own hint when it knows the cause (a refused port, a host key), else a cut.
  std::string hint = !last.hint.empty()
                         ? last.hint
                         : "the connection may have been cut (the service closes transfer "
                           "sessions after about 5 minutes); re-run 'odoo-upgrade " +
                               m_run.kind().command + "' to resume where it stopped";
  throw core::ServiceError(m_run.label() + ": " + what + " failed after " +
                               std::to_string(attempts) + " attempts: " + last.message,
                           hint);
}

} // namespace odoo_upgrade::commands::request
