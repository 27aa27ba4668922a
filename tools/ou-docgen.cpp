// Build-time tool: writes the man pages and the completion scripts of odoo-upgrade from its
// command-line definition (cli/docgen.hpp) into DIR/man1 and DIR/completions. Not installed.
#include <odoo_upgrade/cli/app.hpp>
#include <odoo_upgrade/cli/docgen.hpp>
#include <odoo_upgrade/version.hpp>

#include <exception>
#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: ou-docgen DIR\n";
    return 2;
  }
  try {
    odoo_upgrade::cli::with_command_line([&](CLI::App& app) {
      odoo_upgrade::cli::write_docs(odoo_upgrade::cli::describe(app), OU_VERSION, argv[1]);
    });
  } catch (const std::exception& e) {
    std::cerr << "ou-docgen: " << e.what() << "\n";
    return 6;
  }
  return 0;
}
