#pragma once

namespace odoo_upgrade::sandbox {

// Entry point of odoo-upgrade-sandbox. `odoo-upgrade-sandbox --state-dir DIR --pg CONNINFO …`
// serves until SIGTERM/SIGINT; `odoo-upgrade-sandbox ssh-gate …` is the SSH forced command of
// the transfers. Returns the exit status (0 ok, 1 start-up failure, 2 usage).
int run(int argc, char** argv);

} // namespace odoo_upgrade::sandbox
