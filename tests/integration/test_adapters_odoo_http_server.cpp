// The target Odoo's HTTP server when its port is taken (adapters/odoo/http_server.hpp): another
// program that binds the free port first must never be taken for Odoo. A stand-in Odoo (a Python
// script binding the port as Odoo 17.0's werkzeug server does, and logging the same line once it
// listens) and a real foreign HTTP server on loopback; no Odoo runtime needed.
#include "../support/test_env.hpp"

#include <odoo_upgrade/adapters/odoo/http_server.hpp>

#include <catch2/catch.hpp>
#include <httplib.h>

#include <thread>

using namespace odoo_upgrade;
using adapters::odoo::HttpServer;
using adapters::odoo::Invocation;
using std::chrono::milliseconds;

namespace {

// Binds 127.0.0.1:PORT; on success logs Odoo's line to LOG and answers every GET with 200, else
// prints the error on stderr as Python's traceback ends and carries on without HTTP (as Odoo's
// HTTP thread dies while the process runs on).
constexpr const char* k_stand_in = R"(
import http.server, sys, time
port, log = int(sys.argv[1]), sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b'{"status": "pass"}')
    def log_message(self, *a):
        pass
try:
    s = http.server.HTTPServer(('127.0.0.1', port), H)
except OSError as e:
    print('OSError: [Errno %d] %s' % (e.errno, e.strerror), file=sys.stderr, flush=True)
    time.sleep(60)
    sys.exit(0)
open(log, 'a').write('2026-11-29 19:00:00,000 1 INFO ? odoo.service.server: HTTP service '
                     '(werkzeug) running on localhost:%d \n' % port)
s.serve_forever()
)";

Invocation stand_in(int port, const std::filesystem::path& log) {
  return {{"/usr/bin/python3", "-c", k_stand_in, std::to_string(port), log.string()}, {}, {}};
}

} // namespace

TEST_CASE("the target Odoo's HTTP server is ready only when it listens itself",
          "[integration][odoo]") {
  test::TempDir dir("httpsrv");
  int port = adapters::odoo::free_loopback_port();

  SECTION("its own port: ready") {
    HttpServer server(stand_in(port, dir / "ok.log"), port, dir / "ok.log");
    auto ready = server.wait_ready(milliseconds(30'000));
    INFO(server.why_not());
    CHECK(ready.has_value());
    CHECK_FALSE(server.port_taken());
    CHECK(server.get("/web/login", milliseconds(5000)).status == 200);
    server.stop();
  }
  SECTION("another program took the port first: never ready, said so") {
    // The foreign server answers every request at once, before the stand-in even starts.
    httplib::Server foreign;
    foreign.Get(".*", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"status": "pass"})", "application/json");
    });
    REQUIRE(foreign.bind_to_port("127.0.0.1", port));
    std::thread listener([&] { foreign.listen_after_bind(); });
    HttpServer server(stand_in(port, dir / "taken.log"), port, dir / "taken.log");
    auto ready = server.wait_ready(milliseconds(30'000));
    server.stop();
    foreign.stop();
    listener.join();
    CHECK_FALSE(ready.has_value());
    CHECK(server.port_taken());
    CHECK(server.why_not() == "another program took 127.0.0.1:" + std::to_string(port) +
                                  " before the target Odoo could listen on it (Address already "
                                  "in use)");
  }
}
