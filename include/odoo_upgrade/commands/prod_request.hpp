#pragma once

#include <odoo_upgrade/commands/context.hpp>
#include <odoo_upgrade/commands/test_request.hpp>

#include <chrono>
#include <optional>
#include <string>

// The `prod-request` command: the production upgrade request, "like a test round with aim
// production", on the frozen production database. It runs the same steps as a test round (dump,
// create, upload, process, wait, download: commands/test_request/round_runner.hpp) with the same
// resume, progress, checksums and --no-wait semantics, and stops once the upgraded dump and
// filestore are downloaded into the work dir (`<work_dir>/production/<n>/received/`) with their
// checksums; `restore` puts them into production. Recorded in the project's `production` section
// (same fields as a round, plus `freeze_started_at`; earlier requests in `production.previous`).
namespace odoo_upgrade::commands {

struct ProdRequestOptions {
  bool no_wait = false;                             // return once processing started (exit 8)
  std::optional<std::chrono::milliseconds> timeout; // how long to wait for processing
  int jobs = 4;                                     // pg_dump jobs
  bool abandon = false;                             // give up the unfinished production request
  std::optional<std::string> contract;              // subscription code; saved in the secrets
  std::optional<std::string> service_url;
  std::optional<std::string> ca_file;
  std::optional<std::string> data_server_user;
  std::chrono::milliseconds poll_first{2000};
  std::chrono::milliseconds poll_max{30000};
  int transfer_attempts = 5;
};

// Runs (or resumes) the production request. Refused (PreconditionError, exit 3) unless production
// is frozen (`freeze apply`) and the latest test round is signed off (or the freeze was forced).
// Exit 0 once downloaded, 8 while processing (--no-wait, --timeout); 4, 5, 6 as test-request.
int run_prod_request(const ProdRequestOptions& options, Context& ctx);
int run_prod_request(const ProdRequestOptions& options,
                     Context& ctx,
                     const TestRequestPorts& ports);

} // namespace odoo_upgrade::commands
