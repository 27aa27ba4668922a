#include <odoo_upgrade/core/error.hpp>

#include <atomic>
#include <csignal>

namespace odoo_upgrade::core {

namespace {
volatile std::sig_atomic_t g_interrupted = 0;
} // namespace

bool interrupted() noexcept {
  return g_interrupted != 0;
}

void set_interrupted() noexcept {
  g_interrupted = 1;
}

void throw_if_interrupted() {
  if (interrupted()) {
    throw Interrupted("interrupted");
  }
}

} // namespace odoo_upgrade::core
