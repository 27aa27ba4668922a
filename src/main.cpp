#include <odoo_upgrade/cli/app.hpp>

int main(int argc, char** argv) {
  return odoo_upgrade::cli::run(argc, argv);
}
