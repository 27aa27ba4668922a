#include <odoo_upgrade/core/expected_changes.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core::uat;
using odoo_upgrade::core::Severity;

namespace {

KeyedRow term(std::string key, std::string md5, std::string en, bool edited) {
  KeyedRow r;
  r.key = std::move(key);
  r.name = "Invoice";
  r.values = {
      {"md5", std::move(md5)}, {"en", std::move(en)}, {"edited", edited ? "true" : "false"}};
  return r;
}

} // namespace

TEST_CASE("core::uat::ExpectedChanges::between reads the embedded file", "[core]") {
  auto x = ExpectedChanges::between("16.0", "17.0");
  REQUIRE_FALSE(x.empty());
  auto merged = x.module("l10n_generic_coa", false);
  REQUIRE(merged);
  CHECK(merged->policy == Policy::info);
  CHECK(merged->step == "16.0→17.0");
  CHECK(x.module("delivery", true));
  CHECK_FALSE(x.module("delivery", false));
  CHECK(x.group("base.group_private_addresses"));
  // The lead's decisions: report_name removed is a warning; the 35 h schedule a warning that
  // becomes blocking when edited or referenced.
  CHECK(x.field("mail.template", "report_name")->policy == Policy::warning);
  auto cal = x.record("resource.calendar", "resource.resource_calendar_std_35h");
  REQUIRE(cal);
  CHECK(cal->policy == Policy::warning);
  CHECK(cal->blocking_if.size() == 2);
  // 15.0 → 17.0 applies both steps; no step, nothing explained.
  CHECK(ExpectedChanges::between("15.0", "17.0").module("l10n_generic_coa", false));
  CHECK(ExpectedChanges::between("17.0", "17.0").empty());
  CHECK(ExpectedChanges::between("", "17.0").empty());
}

TEST_CASE("core::uat::explain and apply never lower a blocking finding", "[core]") {
  auto x = ExpectedChanges::between("16.0", "17.0");
  Finding module;
  module.severity = Severity::warning;
  module.kind = "missing";
  module.key = "account_sequence";
  explain(module, "modules", x);
  CHECK(module.severity == Severity::info);
  CHECK(module.reason.find("merged into account") != std::string::npos);

  Finding custom = module;
  custom.severity = Severity::blocking;
  custom.reason.clear();
  explain(custom, "modules", x);
  CHECK(custom.severity == Severity::blocking);

  Finding unknown;
  unknown.severity = Severity::warning;
  unknown.kind = "missing";
  unknown.key = "some_module";
  explain(unknown, "modules", x);
  CHECK(unknown.severity == Severity::warning);
  CHECK(unknown.reason.empty());

  Finding user;
  user.severity = Severity::warning;
  user.kind = "changed";
  user.changes = {{"groups",
                   "base.group_user, base.group_private_addresses",
                   "account.group_validate_bank_account, base.group_user"}};
  explain(user, "users", x);
  CHECK(user.severity == Severity::info);
  user.changes[0].after = "base.group_system, base.group_user";
  user.severity = Severity::warning;
  explain(user, "users", x);
  CHECK(user.severity == Severity::warning);
}

TEST_CASE("core::uat::group_diff", "[core]") {
  auto d = group_diff("a.x, b.y, c.z", "b.y, c.z, d.w");
  CHECK(d.removed == std::vector<std::string>{"a.x"});
  CHECK(d.added == std::vector<std::string>{"d.w"});
  CHECK(group_diff("", "").removed.empty());
}

TEST_CASE("core::uat::classify_translation", "[core]") {
  auto x = ExpectedChanges::between("16.0", "17.0");
  auto p = term("mail.template:8:subject:fr_FR", "aaa", "en1", true);
  SECTION("edited record, English unchanged, wording replaced or gone: blocking") {
    auto t = term(p.key, "bbb", "en1", true);
    CHECK(classify_translation(&p, &t, true, x)->severity == Severity::blocking);
    CHECK(classify_translation(&p, nullptr, true, x)->severity == Severity::blocking);
  }
  SECTION("edited record, English changed, translation not: out of step warning") {
    auto t = term(p.key, "aaa", "en2", true);
    auto f = classify_translation(&p, &t, true, x);
    CHECK(f->severity == Severity::warning);
    CHECK(f->kind == "out-of-step");
  }
  SECTION("standard records: the new version's own terms are info") {
    auto s = term(p.key, "aaa", "en1", false);
    auto t = term(p.key, "bbb", "en1", false);
    CHECK(classify_translation(&s, &t, true, x)->severity == Severity::info);
    CHECK(classify_translation(&s, nullptr, true, x)->severity == Severity::info);
    auto same_text = term(p.key, "aaa", "en2", false);
    CHECK_FALSE(classify_translation(&s, &same_text, true, x));
  }
  SECTION("a field the new version removed takes its entry's policy") {
    auto r = term("mail.template:8:report_name:fr_FR", "aaa", "en1", true);
    auto f = classify_translation(&r, nullptr, false, x);
    CHECK(f->severity == Severity::warning);
    CHECK(f->reason.find("print name") != std::string::npos);
    r.values["edited"] = "false";
    CHECK(classify_translation(&r, nullptr, false, x)->severity == Severity::info);
  }
  SECTION("identical or only in test: nothing") {
    CHECK_FALSE(classify_translation(&p, &p, true, x));
    CHECK_FALSE(classify_translation(nullptr, &p, true, x));
  }
}

TEST_CASE("core::uat::due_dates_shifted_within", "[core]") {
  std::string before = "30%@2025-01-31; 70%@2025-03-31; 30%@2025-02-15; 70%@2025-04-15";
  CHECK(due_dates_shifted_within(before, before, 0));
  CHECK(due_dates_shifted_within(
      before, "30%@2025-01-31; 70%@2025-04-01; 30%@2025-02-15; 70%@2025-04-16", 3));
  // Across a month and a year end.
  CHECK(due_dates_shifted_within("100%@2024-12-30", "100%@2025-01-02", 3));
  CHECK_FALSE(due_dates_shifted_within("100%@2024-12-30", "100%@2025-01-03", 3));
  // Other shares, another number of lines, or text that is not a schedule: not a shift.
  CHECK_FALSE(due_dates_shifted_within("100%@2025-01-31", "50%@2025-01-31", 3));
  CHECK_FALSE(due_dates_shifted_within(before, "100%@2025-01-31", 3));
  CHECK_FALSE(due_dates_shifted_within("100%", "100%", 3));
}

TEST_CASE("core::uat::explain: payment terms and chatter", "[core]") {
  auto x = ExpectedChanges::between("16.0", "17.0");
  // '2 Months' (N months → N×30 days): a warning with its reason.
  Finding term;
  term.severity = Severity::warning;
  term.kind = "changed";
  term.model = "account.payment.term";
  term.key = "account.account_payment_term_2months";
  term.changes = {{"due", "100%@2025-03-31", "100%@2025-04-01"}};
  explain(term, "payment_terms", x);
  CHECK(term.severity == Severity::warning);
  CHECK(term.reason.find("30") != std::string::npos);
  // A shift of a month is not explained.
  Finding far = term;
  far.reason.clear();
  far.changes = {{"due", "100%@2025-03-31", "100%@2025-04-30"}};
  explain(far, "payment_terms", x);
  CHECK(far.reason.empty());
  // Chatter of a model the new version removed went with it.
  Finding chatter;
  chatter.severity = Severity::blocking;
  chatter.kind = "missing";
  chatter.model = "account.account.template";
  chatter.key = "chatter:account.account.template";
  explain(chatter, "chatter", x);
  CHECK(chatter.severity == Severity::info);
  CHECK_FALSE(chatter.reason.empty());
  // A model the new version still has keeps its blocking finding.
  Finding partner = chatter;
  partner.reason.clear();
  partner.severity = Severity::blocking;
  partner.model = "res.partner";
  explain(partner, "chatter", x);
  CHECK(partner.severity == Severity::blocking);
}
