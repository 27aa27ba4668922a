#pragma once

#include "model.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

// The SSH forced command of every transfer: `odoo-upgrade-sandbox ssh-gate STATE_DIR ID MODE`.
// It confines the client to the request's folder with rrsync (uploads write-only, downloads
// read-only) and, when the scenario asks for it, cuts the transfer after a number of bytes.
namespace odoo_upgrade::sandbox {

// Paths of one request inside the state folder.
struct RequestPaths {
  std::filesystem::path dir;           // STATE/requests/ID
  std::filesystem::path root;          // the folder rsync is confined to (contains data/)
  std::filesystem::path data;          // root/data: what clients see as /data
  std::filesystem::path work;          // scratch space for processing, out of the clients' reach
  std::filesystem::path cut;           // cut.json: the transfer-cut control the gate reads
  std::filesystem::path transfers_log; // one line per transfer the gate ran
};
RequestPaths request_paths(const std::filesystem::path& state_dir, long long id);

// The transfer-cut control of a request: cut the next transfers after `after_bytes`, `times`
// times in all; `done` counts the cuts made so far.
struct CutControl {
  std::optional<std::uint64_t> after_bytes;
  int times = 0;
  int done = 0;
};
std::optional<CutControl> read_cut_control(const std::filesystem::path& path);
void write_cut_control(const std::filesystem::path& path, const CutControl& control);

// The forced command for a transfer of request `id` (`program` is this binary's absolute path).
std::string gate_command(const std::filesystem::path& program,
                         const std::filesystem::path& state_dir,
                         long long id,
                         TransferType type);

// Entry point of the `ssh-gate` subcommand (run by sshd). Returns the exit status.
int run_gate(const std::filesystem::path& state_dir, long long id, TransferType type);

} // namespace odoo_upgrade::sandbox
