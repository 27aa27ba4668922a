#include <odoo_upgrade/cli/app.hpp>

namespace odoo_upgrade::cli {

int run(int, char**) {
  return 0;
}

} // namespace odoo_upgrade::cli
