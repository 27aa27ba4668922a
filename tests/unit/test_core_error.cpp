#include <odoo_upgrade/core/error.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core;

TEST_CASE("core::Error subclasses carry their exit code and hint", "[core]") {
  DatabaseError e("database 'x' is not an Odoo database", "check the name");
  CHECK(e.code() == ExitCode::database);
  CHECK(static_cast<int>(e.code()) == 5);
  CHECK(e.hint() == "check the name");
  CHECK(static_cast<int>(UsageError("u").code()) == 2);
  CHECK(static_cast<int>(PreconditionError("p").code()) == 3);
  CHECK(static_cast<int>(ServiceError("s").code()) == 4);
  CHECK(static_cast<int>(FilesystemError("f").code()) == 6);
  CHECK(static_cast<int>(LockError("l").code()) == 7);
  CHECK(static_cast<int>(PendingError("p").code()) == 8);
  CHECK(static_cast<int>(Interrupted("i").code()) == 130);
}
