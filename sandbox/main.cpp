#include "app.hpp"

int main(int argc, char** argv) {
  return odoo_upgrade::sandbox::run(argc, argv);
}
