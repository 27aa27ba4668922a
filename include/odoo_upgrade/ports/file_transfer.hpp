#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

// Moving dumps to and from the upgrade service's data server (rsync over SSH in the real
// implementation, adapters/transfer/rsync_transfer).
namespace odoo_upgrade::ports {

// Where one transfer attempt connects.
struct TransferTarget {
  std::string host; // SSH host (no port)
  int port = 22;
  std::string user;        // data-server user ("odoo")
  std::string remote_dir;  // "/data"
  std::string known_hosts; // known_hosts text; strict host-key checking against it
  std::filesystem::path private_key;
};

// Progress of a running transfer.
struct TransferProgress {
  std::uint64_t bytes = 0; // bytes done so far
  int percent = 0;         // 0..100
  std::string rate;        // "12.34MB/s" as the tool reports it
  std::string eta;         // "0:00:12": the time left, or the time taken when `elapsed`
  // rsync's --info=progress2 prints, on the line that ends a file (the one with "(xfr#N, …)", so
  // also the 100% line), the time elapsed since the start instead of the time left (rsync's
  // progress.c, rprint_progress with is_last).
  bool elapsed = false;
};

// How one attempt ended: transfers fail in expected ways (a cut connection), so failures are a
// value the caller retries on, not an exception.
struct TransferOutcome {
  bool ok = false;
  std::string message; // why it failed, in the transport's own words where it gave some
  // What to check when a re-run will not help (a refused or silent port, a host key or an
  // authentication refusal); empty when the failure looks like a cut that a re-run resumes.
  std::string hint;
  // The receiving side said "No space left on device": retrying cannot help until space is freed.
  bool no_space = false;
};

class FileTransfer {
public:
  virtual ~FileTransfer() = default;
  using ProgressFn = std::function<void(const TransferProgress&)>;

  // Sends `local` (a file, or a directory whose contents are sent) to `remote_name` in the remote
  // directory. Partial files are kept so that a retry resumes.
  virtual TransferOutcome upload(const TransferTarget& target,
                                 const std::filesystem::path& local,
                                 const std::string& remote_name,
                                 const ProgressFn& on_progress) = 0;
  // Fetches `remote_names` (missing ones are skipped) from the remote directory into `dest_dir`.
  virtual TransferOutcome download(const TransferTarget& target,
                                   const std::vector<std::string>& remote_names,
                                   const std::filesystem::path& dest_dir,
                                   const ProgressFn& on_progress) = 0;
};

} // namespace odoo_upgrade::ports
