// core::unified_diff: the short line diff shown in UAT findings (mail template bodies, view archs).
#include <odoo_upgrade/core/line_diff.hpp>

#include <catch2/catch.hpp>

using odoo_upgrade::core::unified_diff;

TEST_CASE("unified_diff: equal texts give nothing", "[unit][diff]") {
  CHECK(unified_diff("", "").empty());
  CHECK(unified_diff("a\nb\n", "a\nb\n").empty());
}

TEST_CASE("unified_diff: one changed line with its context", "[unit][diff]") {
  std::string before = "1\n2\n3\n4\n5\n6\n7\n";
  std::string after = "1\n2\n3\nfour\n5\n6\n7\n";
  CHECK(unified_diff(before, after, 40, 2) == "@@ -2,5 +2,5 @@\n 2\n 3\n-4\n+four\n 5\n 6\n");
}

TEST_CASE("unified_diff: lines added and removed, hunks apart or merged", "[unit][diff]") {
  std::string before = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";
  // Changes at lines 2 and 9: more than 2×context unchanged lines apart, so two hunks.
  std::string after = "a\nB\nc\nd\ne\nf\ng\nh\nI\nj\n";
  CHECK(unified_diff(before, after, 40, 1) ==
        "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n@@ -8,3 +8,3 @@\n h\n-i\n+I\n j\n");
  // With a context of 3 they share one hunk.
  auto one = unified_diff(before, after, 40, 3);
  CHECK(one.rfind("@@ -1,10 +1,10 @@\n", 0) == 0);
  CHECK(one.find("\n@@") == std::string::npos);
  // Pure insertion and pure removal.
  CHECK(unified_diff("x\ny\n", "x\nnew\ny\n", 40, 0) == "@@ -1,0 +2,1 @@\n+new\n");
  CHECK(unified_diff("x\nold\ny\n", "x\ny\n", 40, 0) == "@@ -2,1 +1,0 @@\n-old\n");
}

TEST_CASE("unified_diff: a moved line is matched, not everything replaced", "[unit][diff]") {
  auto d =
      unified_diff("<p>\nHello\n<b>name</b>\n</p>\n", "<p>\n<b>name</b>\nHello\n</p>\n", 40, 0);
  // One line moves: the LCS keeps 3 of the 4 lines.
  int minus = 0;
  int plus = 0;
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (i == 0 || d[i - 1] == '\n') {
      minus += d[i] == '-' ? 1 : 0;
      plus += d[i] == '+' ? 1 : 0;
    }
  }
  CHECK(minus == 1);
  CHECK(plus == 1);
}

TEST_CASE("unified_diff: cut after max_lines, saying how much is left", "[unit][diff]") {
  std::string before;
  std::string after;
  for (int i = 0; i < 50; ++i) {
    before += "line " + std::to_string(i) + "\n";
    after += "LINE " + std::to_string(i) + "\n";
  }
  auto d = unified_diff(before, after, 10, 2);
  std::size_t lines = 0;
  for (char c : d) {
    lines += c == '\n' ? 1 : 0;
  }
  CHECK(lines == 11);
  CHECK(d.find("… 91 more diff line(s)\n") != std::string::npos);
}

TEST_CASE("unified_diff: CRLF and a missing final newline do not count", "[unit][diff]") {
  CHECK(unified_diff("a\r\nb\r\n", "a\nb").empty());
}
