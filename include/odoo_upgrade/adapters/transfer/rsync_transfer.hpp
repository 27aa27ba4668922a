#pragma once

#include <odoo_upgrade/ports/file_transfer.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Transfers to and from the upgrade service's data server: rsync over SSH with a per-project key
// and strict host-key checking against the known_hosts text the service hands out.
namespace odoo_upgrade::adapters::transfer {

// Parses one line of `rsync --info=progress2` output, e.g.
// "     32,768  45%   12.34MB/s    0:00:01 (xfr#1, to-chk=0/3)". std::nullopt for other lines.
std::optional<ports::TransferProgress> parse_rsync_progress(std::string_view line);

// Why an rsync-over-SSH run failed, from its stderr and exit status: SSH's own message ("ssh:
// connect to host … port 2222: Connection refused", "Connection timed out during banner exchange",
// "Host key verification failed", "Permission denied (publickey)") rather than rsync's summary
// ("unexplained error (code 255)"), and a hint that matches the cause (firewall/port, host key,
// key authorisation). Exit codes: rsync(1) "EXIT VALUES" (255 is ssh's own failure).
ports::TransferOutcome diagnose_rsync_failure(std::string_view stderr_text, int exit_code);

// The project's SSH key pair: `<dir>/<stem>.ssh/id_rsa` (0600) beside the project file, generated
// once with ssh-keygen. Returns the private key path. Throws FilesystemError when ssh-keygen fails
// or the key cannot be read by the current user (`ssh-keygen -y`, once per key and process).
std::filesystem::path ensure_ssh_key(const std::filesystem::path& project_path);
// The public key text (one line) of a private key made by ensure_ssh_key.
std::string public_key_text(const std::filesystem::path& private_key);

// The `ssh` command rsync runs (`-e`), with every path single-quoted.
std::string ssh_command(const ports::TransferTarget& target,
                        const std::filesystem::path& known_hosts_file);

class RsyncTransfer : public ports::FileTransfer {
public:
  ports::TransferOutcome upload(const ports::TransferTarget& target,
                                const std::filesystem::path& local,
                                const std::string& remote_name,
                                const ProgressFn& on_progress) override;
  ports::TransferOutcome download(const ports::TransferTarget& target,
                                  const std::vector<std::string>& remote_names,
                                  const std::filesystem::path& dest_dir,
                                  const ProgressFn& on_progress) override;

private:
  ports::TransferOutcome run(const ports::TransferTarget& target,
                             std::vector<std::string> args,
                             const ProgressFn& on_progress);
};

} // namespace odoo_upgrade::adapters::transfer
