#pragma once

#include <odoo_upgrade/ports/file_transfer.hpp>

#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

// A stand-in for rsync over SSH that records every attempt. Attempts fail as scripted (a cut
// connection), then succeed; a successful download writes `remote_files` into the destination.
namespace odoo_upgrade::test {

class FakeTransfer : public ports::FileTransfer {
public:
  struct Call {
    std::string direction; // "upload" or "download"
    ports::TransferTarget target;
    std::vector<std::string> names; // upload: the remote name; download: the names asked for
  };
  std::vector<Call> calls;
  // Failure messages of the next attempts (each attempt takes one; then attempts succeed).
  std::deque<std::string> upload_failures;
  std::deque<std::string> download_failures;
  // The hint a failed attempt gives (the transport's diagnosis), "" for a plain cut.
  std::string failure_hint;
  // What the data server holds for download: name → content ("name/file" makes a folder).
  std::map<std::string, std::string> remote_files{{"upgraded.dump", "upgraded dump"},
                                                  {"filestore/ab/abcdef", "attachment"},
                                                  {"upgrade-report.html", "<html></html>"},
                                                  {"upgrade.log", "log"}};

  ports::TransferOutcome upload(const ports::TransferTarget& target,
                                const std::filesystem::path&,
                                const std::string& remote_name,
                                const ProgressFn& on_progress) override {
    calls.push_back({"upload", target, {remote_name}});
    return attempt(upload_failures, on_progress);
  }

  ports::TransferOutcome download(const ports::TransferTarget& target,
                                  const std::vector<std::string>& remote_names,
                                  const std::filesystem::path& dest_dir,
                                  const ProgressFn& on_progress) override {
    calls.push_back({"download", target, remote_names});
    auto outcome = attempt(download_failures, on_progress);
    if (outcome.ok) {
      for (const auto& [name, content] : remote_files) {
        auto path = dest_dir / name;
        std::filesystem::create_directories(path.parent_path());
        std::ofstream(path) << content;
      }
    }
    return outcome;
  }

  // A handle for the code under test that forwards to this fake.
  std::unique_ptr<ports::FileTransfer> make() { return std::make_unique<Handle>(*this); }

private:
  ports::TransferOutcome attempt(std::deque<std::string>& failures,
                                 const ProgressFn& on_progress) const {
    on_progress({512, 50, "1.00MB/s", "0:00:01"});
    if (!failures.empty()) {
      std::string message = failures.front();
      failures.pop_front();
      return {false, message, failure_hint};
    }
    on_progress({1024, 100, "1.00MB/s", "0:00:02", true}); // rsync: the time taken
    return {true, "", ""};
  }

  class Handle : public ports::FileTransfer {
  public:
    explicit Handle(FakeTransfer& fake) : m_fake(fake) {}
    ports::TransferOutcome upload(const ports::TransferTarget& t,
                                  const std::filesystem::path& local,
                                  const std::string& remote,
                                  const ProgressFn& p) override {
      return m_fake.upload(t, local, remote, p);
    }
    ports::TransferOutcome download(const ports::TransferTarget& t,
                                    const std::vector<std::string>& names,
                                    const std::filesystem::path& dest,
                                    const ProgressFn& p) override {
      return m_fake.download(t, names, dest, p);
    }

  private:
    FakeTransfer& m_fake;
  };
};

} // namespace odoo_upgrade::test
