#include <odoo_upgrade/adapters/transfer/rsync_transfer.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade;
using adapters::transfer::parse_rsync_progress;

TEST_CASE("adapters::transfer::parse_rsync_progress", "[adapters]") {
  SECTION("a progress2 line (rsync 3.2)") {
    auto p = parse_rsync_progress("     32,768  45%   12.34MB/s    0:00:01 (xfr#1, to-chk=0/3)");
    REQUIRE(p);
    CHECK(p->bytes == 32768);
    CHECK(p->percent == 45);
    CHECK(p->rate == "12.34MB/s");
    CHECK(p->eta == "0:00:01");
    // A line that ends a file says the time taken so far, not the time left.
    CHECK(p->elapsed);
  }
  SECTION("the start line and the final line") {
    auto start = parse_rsync_progress("              0   0%    0.00kB/s    0:00:00");
    REQUIRE(start);
    CHECK(start->bytes == 0);
    CHECK_FALSE(start->elapsed);
    auto end = parse_rsync_progress(
        "     59,568,230 100%   81.25MB/s    0:00:00 (xfr#1047, to-chk=0/1093)");
    REQUIRE(end);
    CHECK(end->bytes == 59568230);
    CHECK(end->percent == 100);
    CHECK(end->elapsed);
  }
  SECTION("locales that group with dots") {
    auto p = parse_rsync_progress("  1.234.567  10%  1,00MB/s  0:00:10");
    REQUIRE(p);
    CHECK(p->bytes == 1234567);
  }
  SECTION("other lines") {
    CHECK_FALSE(parse_rsync_progress(""));
    CHECK_FALSE(parse_rsync_progress("sending incremental file list"));
    CHECK_FALSE(parse_rsync_progress("origin.dump/toc.dat"));
    CHECK_FALSE(parse_rsync_progress("rsync error: error in rsync protocol data stream (code 12)"));
    CHECK_FALSE(parse_rsync_progress("sent 1,234 bytes  received 35 bytes  2,538.00 bytes/sec"));
    CHECK_FALSE(parse_rsync_progress("  12  145%  1MB/s  0:00:00"));
  }
}

TEST_CASE("adapters::transfer::ssh_command", "[adapters]") {
  ports::TransferTarget t;
  t.host = "127.0.0.1";
  t.port = 2222;
  t.private_key = "/p/my project.ssh/id_rsa";
  auto cmd = adapters::transfer::ssh_command(t, "/tmp/kh-1");
  CHECK(cmd.find("ssh -p 2222 ") == 0);
  CHECK(cmd.find("-o StrictHostKeyChecking=yes") != std::string::npos);
  CHECK(cmd.find("-o IdentitiesOnly=yes") != std::string::npos);
  CHECK(cmd.find("-o BatchMode=yes") != std::string::npos);
  CHECK(cmd.find("-o UserKnownHostsFile='/tmp/kh-1'") != std::string::npos);
  CHECK(cmd.find("-i '/p/my project.ssh/id_rsa'") != std::string::npos);
}

TEST_CASE("adapters::transfer::diagnose_rsync_failure", "[adapters]") {
  using adapters::transfer::diagnose_rsync_failure;
  SECTION("ssh's own message, not rsync's summary") {
    auto o = diagnose_rsync_failure(
        "ssh: connect to host 127.0.0.1 port 2222: Connection refused\r\n"
        "rsync: connection unexpectedly closed (0 bytes received so far) [sender]\n"
        "rsync error: unexplained error (code 255) at io.c(231) [sender=3.2.7]\n",
        255);
    CHECK(o.message == "ssh: connect to host 127.0.0.1 port 2222: Connection refused");
    CHECK(o.hint.find("firewall") != std::string::npos);
  }
  SECTION("a silent port") {
    auto o = diagnose_rsync_failure(
        "Connection timed out during banner exchange\nConnection to 10.0.0.1 port 22 timed out\n"
        "rsync error: unexplained error (code 255)\n",
        255);
    CHECK(o.message == "Connection timed out during banner exchange");
    CHECK(o.hint.find("says nothing") != std::string::npos);
  }
  SECTION("a full disk is not a cut") {
    auto o = diagnose_rsync_failure(
        "rsync: [receiver] write failed on \"/w/rounds/1/received/upgraded.dump\": No space left "
        "on device (28)\nrsync error: error in file IO (code 11) at receiver.c(381)\n",
        11);
    CHECK(o.no_space);
    CHECK(o.message.find("No space left on device") != std::string::npos);
    CHECK(o.hint.find("5 minutes") == std::string::npos);
  }
  SECTION("a cut connection keeps no hint: a re-run resumes") {
    auto o = diagnose_rsync_failure(
        "rsync: [receiver] write error: Broken pipe (32)\nrsync error: error in rsync protocol "
        "data stream (code 12)\n",
        12);
    CHECK(o.message.empty());
    CHECK(o.hint.empty());
    CHECK_FALSE(o.no_space);
  }
}
