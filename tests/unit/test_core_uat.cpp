#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/live_checks.hpp>
#include <odoo_upgrade/core/uat.hpp>

#include <catch2/catch.hpp>

#include <set>
#include <stdexcept>

using namespace odoo_upgrade::core::uat;
using odoo_upgrade::core::FilesystemError;
using odoo_upgrade::core::Severity;

namespace {

KeyedRow row(std::string key, std::map<std::string, std::string> values, bool standard = false) {
  KeyedRow r;
  r.key = std::move(key);
  r.name = "name of " + r.key;
  r.values = std::move(values);
  r.standard = standard;
  return r;
}

RowSource source(std::vector<KeyedRow> rows) {
  auto data = std::make_shared<std::vector<KeyedRow>>(std::move(rows));
  auto pos = std::make_shared<std::size_t>(0);
  return [data, pos]() -> std::optional<KeyedRow> {
    if (*pos >= data->size()) {
      return std::nullopt;
    }
    return (*data)[(*pos)++];
  };
}

} // namespace

TEST_CASE("core::uat::check_catalogue", "[core]") {
  const auto& checks = check_catalogue();
  // 14 checks on the databases' datasets, then the 5 live checks through the target Odoo.
  REQUIRE(checks.size() == 19);
  std::set<std::string> ids;
  for (const auto& c : checks) {
    CHECK(ids.insert(c.id).second);
    CHECK(!c.title.empty());
  }
  CHECK(find_check("views") != nullptr);
  CHECK(find_check("modules-transient")->severity == Severity::blocking);
  CHECK(check_ids().size() == checks.size());
  CHECK(find_check("nope") == nullptr);
  CHECK(find_check("views-render") != nullptr);
  CHECK(checks.back().id == "export");
}

TEST_CASE("core::uat::merge_keyed", "[core]") {
  std::vector<std::string> seen;
  auto n = merge_keyed(source({row("a", {}), row("b", {}), row("d", {})}),
                       source({row("b", {}), row("c", {}), row("d", {}), row("e", {})}),
                       [&](const KeyedRow* p, const KeyedRow* t) {
                         std::string s = p != nullptr ? p->key : "-";
                         s += t != nullptr ? t->key : "-";
                         seen.push_back(s);
                       });
  CHECK(n == 5);
  CHECK(seen == std::vector<std::string>{"a-", "bb", "-c", "dd", "-e"});

  SECTION("byte order, as COLLATE \"C\"") {
    seen.clear();
    merge_keyed(source({row("B", {}), row("a", {})}),
                source({row("a", {})}),
                [&](const KeyedRow* p, const KeyedRow* t) {
                  seen.push_back((p ? p->key : "-") + (t ? t->key : "-"));
                });
    CHECK(seen == std::vector<std::string>{"B-", "aa"});
  }
  SECTION("an unordered stream is a bug, not a silent mismatch") {
    CHECK_THROWS_AS(merge_keyed(source({row("b", {}), row("a", {})}),
                                source({}),
                                [](const KeyedRow*, const KeyedRow*) {}),
                    std::logic_error);
  }
  SECTION("empty streams") {
    CHECK(merge_keyed(source({}), source({}), [](const KeyedRow*, const KeyedRow*) {}) == 0);
  }
}

TEST_CASE("core::uat::classify", "[core]") {
  DiffRules rules;
  rules.model = "ir.ui.view";
  rules.what = "view";
  rules.missing_custom = Severity::blocking;
  rules.missing_standard = Severity::info;
  rules.fields = {{"active", Severity::blocking, std::string("true"), ""}};
  rules.changed = std::nullopt;

  auto active = row("x.v", {{"active", "true"}, {"arch", "1"}});
  auto inactive = row("x.v", {{"active", "false"}, {"arch", "1"}});

  SECTION("equal rows give nothing") {
    CHECK_FALSE(classify(&active, &active, rules));
  }
  SECTION("active to inactive is blocking and names the record") {
    auto f = classify(&active, &inactive, rules);
    REQUIRE(f);
    CHECK(f->severity == Severity::blocking);
    CHECK(f->kind == "changed");
    CHECK(f->key == "x.v");
    CHECK(f->model == "ir.ui.view");
    REQUIRE(f->changes.size() == 1);
    CHECK(f->changes[0].before == "true");
    CHECK(f->changes[0].after == "false");
    CHECK(f->message.find("active true → false") != std::string::npos);
  }
  SECTION("inactive to active does not match the rule") {
    CHECK_FALSE(classify(&inactive, &active, rules));
  }
  SECTION("unlisted fields are ignored when `changed` is unset") {
    auto other = row("x.v", {{"active", "true"}, {"arch", "2"}});
    CHECK_FALSE(classify(&active, &other, rules));
    rules.changed = Severity::warning;
    auto f = classify(&active, &other, rules);
    REQUIRE(f);
    CHECK(f->severity == Severity::warning);
  }
  SECTION("missing: custom vs standard, and missing_only_if") {
    auto f = classify(&active, nullptr, rules);
    REQUIRE(f);
    CHECK(f->severity == Severity::blocking);
    CHECK(f->kind == "missing");
    auto std_row = row("base.v", {{"active", "true"}}, true);
    auto g = classify(&std_row, nullptr, rules);
    REQUIRE(g);
    CHECK(g->severity == Severity::info);
    rules.missing_only_if = {{"active", "true"}};
    CHECK_FALSE(classify(&inactive, nullptr, rules));
    CHECK(classify(&active, nullptr, rules));
  }
  SECTION("added only when asked") {
    CHECK_FALSE(classify(nullptr, &active, rules));
    rules.added = Severity::info;
    auto f = classify(nullptr, &active, rules);
    REQUIRE(f);
    CHECK(f->kind == "added");
  }
}

TEST_CASE("core::uat::classify_count", "[core]") {
  auto p = row("sale.order", {{"count", "40"}});
  auto fewer = row("sale.order", {{"count", "39"}});
  auto more = row("sale.order", {{"count", "41"}});
  CHECK_FALSE(classify_count(&p, &p));
  auto f = classify_count(&p, &fewer);
  REQUIRE(f);
  CHECK(f->severity == Severity::blocking);
  CHECK(f->changes[0].before == "40");
  CHECK(f->changes[0].after == "39");
  CHECK(classify_count(&p, &more)->severity == Severity::info);
  CHECK(classify_count(&p, nullptr)->severity == Severity::blocking);
  CHECK(classify_count(nullptr, &p)->severity == Severity::info);
}

TEST_CASE("core::uat::CheckResult", "[core]") {
  CheckResult r;
  r.finish();
  CHECK(r.status == CheckStatus::passed);
  Finding info;
  info.severity = Severity::info;
  r.add(info);
  r.finish();
  CHECK(r.status == CheckStatus::passed);
  Finding w;
  w.severity = Severity::warning;
  r.add(w);
  r.finish();
  CHECK(r.status == CheckStatus::warning);
  Finding b;
  b.severity = Severity::blocking;
  for (std::size_t i = 0; i < k_max_findings_per_check + 5; ++i) {
    r.add(b);
  }
  r.finish();
  CHECK(r.status == CheckStatus::failed);
  CHECK(r.findings.size() == k_max_findings_per_check);
  CHECK(r.truncated);
  CHECK(r.count(Severity::blocking) == static_cast<long long>(k_max_findings_per_check + 5));

  SECTION("beyond the cap, a blocking finding replaces an info, never the reverse") {
    CheckResult full;
    Finding small;
    small.severity = Severity::info;
    for (std::size_t i = 0; i < k_max_findings_per_check + 3; ++i) {
      full.add(small);
    }
    Finding lost;
    lost.severity = Severity::blocking;
    lost.key = "mail.template:8:subject:fr_FR";
    full.add(lost);
    full.add(small);
    CHECK(full.findings.size() == k_max_findings_per_check);
    CHECK(full.findings.back().key == "mail.template:8:subject:fr_FR");
    CHECK(full.count(Severity::info) == static_cast<long long>(k_max_findings_per_check + 4));
  }
  SECTION("round-trips through JSON") {
    r.id = "views";
    r.compared = 12;
    auto back = check_result_from_json(to_json(r));
    CHECK(back.id == "views");
    CHECK(back.status == CheckStatus::failed);
    CHECK(back.count(Severity::blocking) == r.count(Severity::blocking));
    CHECK(back.compared == 12);
    CHECK(back.findings.size() == r.findings.size());
  }
  SECTION("a finding of an unknown severity is refused, naming it") {
    auto j = to_json(r);
    j["findings"][0]["severity"] = "crit";
    CHECK_THROWS_AS(check_result_from_json(j, "uat.rounds.1.runs[0].checks[0]"), FilesystemError);
    CHECK_THROWS_WITH(check_result_from_json(j, "check"),
                      Catch::Contains("'check.findings[0].severity' has an unknown value 'crit'"));
  }
  SECTION("an error stays an error and blocks go") {
    CheckResult e;
    e.status = CheckStatus::error;
    e.finish();
    CHECK(e.status == CheckStatus::error);
    CHECK_FALSE(summarize({e}).go());
  }
  SECTION("a skipped check stays skipped, is counted, and does not block go") {
    CheckResult s;
    s.status = CheckStatus::skipped;
    s.error = "no target Odoo configured";
    s.finish();
    CHECK(s.status == CheckStatus::skipped);
    auto sum = summarize({s, r});
    CHECK(sum.skipped == 1);
    CHECK(sum.errors == 0);
    CHECK_FALSE(sum.go()); // r has blocking findings
    CHECK(summarize({s}).go());
    auto back = check_result_from_json(to_json(s));
    CHECK(back.status == CheckStatus::skipped);
    CHECK(back.error == "no target Odoo configured");
  }
}

TEST_CASE("core::uat::item ids", "[core]") {
  CHECK(valid_item_id("buy-product"));
  CHECK(valid_item_id("a.b_c-1"));
  CHECK_FALSE(valid_item_id(""));
  CHECK_FALSE(valid_item_id("Upper"));
  CHECK_FALSE(valid_item_id("with space"));
  CHECK_FALSE(valid_item_id(std::string(65, 'a')));
  CHECK(item_id_from_title("Print the Delivery slip!", {}) == "print-the-delivery-slip");
  CHECK(item_id_from_title("Print", {"print"}) == "print-2");
  CHECK(item_id_from_title("Print", {"print", "print-2"}) == "print-3");
  CHECK(item_id_from_title("???", {}) == "item");
  for (const auto& i : default_checklist()) {
    CHECK(valid_item_id(i.id));
  }
}

TEST_CASE("core::uat::signoff_refusals", "[core]") {
  SignoffFacts facts;
  facts.round = 2;
  Mark pass;
  pass.status = MarkStatus::pass;
  Mark skip;
  skip.status = MarkStatus::skip;
  facts.items = {{{"a", "A", "basic"}, pass}, {{"b", "B", "basic"}, skip}};

  SECTION("no run refuses") {
    auto r = signoff_refusals(facts);
    REQUIRE(r.size() == 1);
    CHECK(r[0].find("no automated run for round 2") != std::string::npos);
  }
  facts.has_run = true;
  SECTION("clean run and passed/skipped items allow") {
    CHECK(signoff_refusals(facts).empty());
  }
  SECTION("blocking findings, errors, failed and unmarked items each refuse") {
    facts.latest_run.blocking = 3;
    facts.latest_run.errors = 1;
    Mark fail;
    fail.status = MarkStatus::fail;
    facts.items.push_back({{"c", "C", "custom"}, fail});
    facts.items.push_back({{"d", "D", "custom"}, Mark{}});
    auto r = signoff_refusals(facts);
    REQUIRE(r.size() == 4);
    CHECK(r[0].find("3 blocking") != std::string::npos);
    CHECK(r[2].find("failed: c") != std::string::npos);
    CHECK(r[3].find("not marked: d") != std::string::npos);
  }
  SECTION("warnings do not refuse") {
    facts.latest_run.warning = 10;
    CHECK(signoff_refusals(facts).empty());
  }
  SECTION("checks not run on the current test database refuse, by name") {
    facts.not_run = {"accounting", "users"};
    auto r = signoff_refusals(facts);
    REQUIRE(r.size() == 1);
    CHECK(r[0] == "2 check(s) not run on the current test database of round 2: accounting, users");
  }
}

TEST_CASE("core::uat::check_datasets", "[core]") {
  for (const auto& c : check_catalogue()) {
    if (c.id == "neutralization" || c.id == "modules-transient" ||
        odoo_upgrade::core::live::is_live_check(c.id)) {
      CHECK_THROWS_AS(check_datasets(c.id), std::out_of_range);
      continue;
    }
    INFO(c.id);
    CHECK(!check_datasets(c.id).empty());
  }
  CHECK(check_datasets("record-counts")[0].counts);
  // A view missing in test matters only when it was active in production.
  const auto& views = check_datasets("views")[0].rules;
  auto inactive = row("v", {{"active", "false"}});
  CHECK(!classify(&inactive, nullptr, views));
  auto active = row("v", {{"active", "true"}});
  CHECK(classify(&active, nullptr, views)->severity == Severity::blocking);
  CHECK(check_datasets("accounting").size() == 7);
}

TEST_CASE("core::uat::classify_neutralized and neutralization_verdict", "[core]") {
  NeutralizationFacts facts;
  auto on = row("mail.ir_cron_mail_scheduler_action", {{"active", "true"}});
  auto off = row("mail.ir_cron_mail_scheduler_action", {{"active", "false"}});
  auto f = classify_neutralized("ir.cron", &on, &off, facts);
  REQUIRE(f);
  CHECK(f->severity == Severity::info);
  CHECK(f->kind == "neutralized");
  CHECK_FALSE(classify_neutralized("ir.cron", &on, &on, facts));
  // Odoo's own dummy relay (neutralize.sql) sends nothing: no finding, not counted.
  auto relay = row("mail_server:neutralization - disable emails:3",
                   {{"active", "true"}, {"smtp_host", "invalid"}});
  CHECK_FALSE(classify_neutralized("ir.mail_server", nullptr, &relay, facts));
  CHECK(facts.servers_on_test == 0);
  // A real server active in test is a warning that names it (issue 10: the row kept its record).
  auto smtp = row("mail_server:Office 365:1", {{"active", "true"}, {"smtp_host", "smtp.acme.eu"}});
  smtp.name = "Office 365 (smtp.acme.eu)";
  auto sending = classify_neutralized("ir.mail_server", &smtp, &smtp, facts);
  REQUIRE(sending);
  CHECK(sending->severity == Severity::warning);
  CHECK(sending->kind == "mail-server-active");
  CHECK(sending->model == "ir.mail_server");
  CHECK(sending->key == "mail_server:Office 365:1");
  CHECK(sending->name == "Office 365 (smtp.acme.eu)");
  CHECK(facts.crons_on_test == 1);
  CHECK(facts.servers_on_test == 1);

  SECTION("not marked neutralized with active crons is a warning") {
    auto v = neutralization_verdict(facts);
    REQUIRE(v.size() == 1);
    CHECK(v[0].severity == Severity::warning);
    CHECK(v[0].kind == "not-neutralized");
  }
  SECTION("marked neutralized is info") {
    facts.flagged = true;
    auto v = neutralization_verdict(facts);
    REQUIRE(v.size() == 1);
    CHECK(v[0].severity == Severity::info);
    CHECK(v[0].key == "database.is_neutralized");
  }
  SECTION("nothing active and not marked: nothing to say") {
    CHECK(neutralization_verdict(NeutralizationFacts{}).empty());
  }
  SECTION("an enabled payment provider and a module half-way are named") {
    auto stripe = row("payment.payment_provider_stripe", {{"state", "enabled"}});
    stripe.name = "Stripe";
    auto p = enabled_provider_finding(stripe);
    CHECK(p.severity == Severity::warning);
    CHECK(p.key == "payment.payment_provider_stripe");
    CHECK(p.message.find("'Stripe'") != std::string::npos);
    auto sale = row("sale", {{"state", "to upgrade"}});
    auto m = transient_module_finding(sale);
    CHECK(m.severity == Severity::blocking);
    CHECK(m.message.find("'to upgrade'") != std::string::npos);
    CHECK(m.message.find("skips every scheduled action") != std::string::npos);
  }
  CHECK(is_true_parameter("True"));
  CHECK(is_true_parameter("1"));
  CHECK_FALSE(is_true_parameter("False"));
}

TEST_CASE("core::uat::classify_count with several counts (chatter per model)", "[core]") {
  auto p =
      row("chatter:res.partner", {{"messages", "13"}, {"activities", "0"}, {"followers", "5"}});
  auto more =
      row("chatter:res.partner", {{"messages", "19"}, {"activities", "0"}, {"followers", "5"}});
  auto fewer =
      row("chatter:res.partner", {{"messages", "19"}, {"activities", "0"}, {"followers", "4"}});
  CHECK_FALSE(classify_count(&p, &p));
  auto up = classify_count(&p, &more);
  REQUIRE(up);
  CHECK(up->severity == Severity::info);
  CHECK(up->model == "res.partner");
  CHECK(up->message.find("messages 13 → 19 (+6)") != std::string::npos);
  // One count down is a loss, even when another went up.
  auto down = classify_count(&p, &fewer);
  REQUIRE(down);
  CHECK(down->severity == Severity::blocking);
  REQUIRE(down->changes.size() == 2);
  CHECK(down->changes[0].field == "followers");
  auto gone = classify_count(&p, nullptr);
  CHECK(gone->severity == Severity::blocking);
  CHECK(gone->kind == "missing");
  CHECK(classify_count(nullptr, &p)->kind == "added");
}

TEST_CASE("core::uat::classify: the customer's record and records in use", "[core]") {
  // Payment terms: a standard term changed is a warning, the customer's own is blocking.
  const auto& terms = check_datasets("business-data");
  const DiffRules* term_rules = nullptr;
  const DiffRules* provider_rules = nullptr;
  for (const auto& d : terms) {
    term_rules = d.dataset == "payment_terms" ? &d.rules : term_rules;
    provider_rules = d.dataset == "payment_providers" ? &d.rules : provider_rules;
  }
  REQUIRE(term_rules != nullptr);
  REQUIRE(provider_rules != nullptr);
  auto std_before = row("t", {{"active", "true"}, {"due", "100%@2025-03-31"}}, true);
  auto std_after = row("t", {{"active", "true"}, {"due", "100%@2025-04-01"}}, true);
  CHECK(classify(&std_before, &std_after, *term_rules)->severity == Severity::warning);
  auto own_before = row("t", {{"active", "true"}, {"due", "100%@2025-03-31"}});
  auto own_after = row("t", {{"active", "true"}, {"due", "100%@2025-04-01"}});
  CHECK(classify(&own_before, &own_after, *term_rules)->severity == Severity::blocking);
  // An archived term is not compared.
  auto archived = row("t", {{"active", "false"}});
  CHECK_FALSE(classify(&archived, nullptr, *term_rules));
  // Payment providers: only those in use in production; disabling one is what neutralization
  // does (info), leaving test mode is a warning.
  auto unused = row("p", {{"used", "false"}, {"test_mode", "false"}, {"published", "false"}});
  auto unused_changed =
      row("p", {{"used", "false"}, {"test_mode", "false"}, {"published", "true"}});
  CHECK_FALSE(classify(&unused, &unused_changed, *provider_rules));
  CHECK_FALSE(classify(&unused, nullptr, *provider_rules));
  auto enabled = row("p", {{"used", "true"}, {"test_mode", "false"}});
  auto disabled = row("p", {{"used", "false"}, {"test_mode", "false"}});
  CHECK(classify(&enabled, &disabled, *provider_rules)->severity == Severity::info);
  auto testing = row("p", {{"used", "true"}, {"test_mode", "true"}});
  CHECK(classify(&testing, &disabled, *provider_rules)->severity == Severity::warning);
  CHECK(classify(&enabled, nullptr, *provider_rules)->severity == Severity::blocking);
}

TEST_CASE("core::uat::name_missing_records", "[core]") {
  Finding f;
  f.message = "Contacts (res.partner): 47 in production, 45 in test (-2)";
  name_missing_records(
      f, {"Deco Addict (id 10)", "Ready Mat (id 12)"}, 2, "/w/uat-missing-res.partner.txt");
  CHECK(f.message ==
        "Contacts (res.partner): 47 in production, 45 in test (-2); missing in test: Deco Addict "
        "(id 10), Ready Mat (id 12); full list: /w/uat-missing-res.partner.txt");
  REQUIRE(f.changes.size() == 1);
  CHECK(f.changes[0].field == "missing records");
  // More than are named: says how many.
  Finding many;
  std::vector<std::string> first(k_named_missing, "x");
  name_missing_records(many, first, 31, "");
  CHECK(many.message.find("(the first 20 of 31)") != std::string::npos);
  CHECK(many.message.find("full list") == std::string::npos);
  // A count that fell without a record missing by id.
  Finding replaced;
  name_missing_records(replaced, {}, 0, "/w/x.txt");
  CHECK(replaced.message.find("no production record is missing by id") != std::string::npos);
  CHECK(replaced.changes.empty());
}

TEST_CASE("core::uat::chatter_lost and name_chatter_losses", "[core]") {
  KeyedRow before;
  before.key = "000000000010";
  before.values = {{"messages", "5"}, {"activities", "1"}, {"followers", "3"}};
  KeyedRow after = before;
  CHECK_FALSE(chatter_lost(&before, &after));
  after.values["messages"] = "2";
  after.values["followers"] = "4"; // more followers is no loss
  CHECK(chatter_lost(&before, &after) == "messages 5 → 2 (-3)");
  // Every count of a record without chatter in test fell to 0.
  CHECK(chatter_lost(&before, nullptr) ==
        "activities 1 → 0 (-1), followers 3 → 0 (-3), messages 5 → 0 (-5)");
  // A record with chatter only in test lost nothing.
  CHECK_FALSE(chatter_lost(nullptr, &after));

  Finding f;
  f.message = "Contact (chatter:res.partner): messages 64 → 61 (-3)";
  name_chatter_losses(f, {"Deco Addict (id 10): messages 5 → 2 (-3)"}, 1, "/w/uat-chatter-x.txt");
  CHECK(f.message == "Contact (chatter:res.partner): messages 64 → 61 (-3); lost on: Deco Addict "
                     "(id 10): messages 5 → 2 (-3); full list: /w/uat-chatter-x.txt");
  REQUIRE(f.changes.size() == 1);
  CHECK(f.changes[0].field == "records that lost chatter");
  Finding many;
  name_chatter_losses(many, std::vector<std::string>(k_named_missing, "x"), 40, "");
  CHECK(many.message.find("(the first 20 of 40)") != std::string::npos);
  Finding none;
  name_chatter_losses(none, {}, 0, "");
  CHECK(none.message.find("no single record lost chatter") != std::string::npos);
  CHECK(none.changes.empty());
}

TEST_CASE("core::uat::text_to_diff", "[core]") {
  Finding body;
  body.kind = "changed";
  body.changes = {{"subject", "a", "b"}, {"body", "md5 1", "md5 2"}};
  auto t = text_to_diff(body, "mail_templates");
  REQUIRE(t);
  CHECK(t->first == "mail_template_bodies");
  CHECK(t->second == "body");
  CHECK_FALSE(text_to_diff(body, "reports"));
  Finding subject = body;
  subject.changes = {{"subject", "a", "b"}};
  CHECK_FALSE(text_to_diff(subject, "mail_templates"));
  // A view: only a customisation reset by the upgrade.
  Finding reset;
  reset.kind = "changed";
  reset.changes = {{"arch_updated", "true", "false"}};
  CHECK(text_to_diff(reset, "views")->first == "view_archs");
  reset.changes = {{"arch_updated", "false", "true"}};
  CHECK_FALSE(text_to_diff(reset, "views"));
  Finding missing = body;
  missing.kind = "missing";
  CHECK_FALSE(text_to_diff(missing, "mail_templates"));
}

TEST_CASE("core::uat::pair_by_natural_key and classify_moved", "[core]") {
  auto with_natural = [](KeyedRow r, std::string natural) {
    r.natural = std::move(natural);
    return r;
  };
  // account.term_30 moved to l10n_x.term_30 (same natural key); account.gone is gone; a new
  // record only in test; a row without natural key never pairs.
  std::vector<KeyedRow> prod = {
      with_natural(row("account.gone", {{"due", "a"}}, true), "term:1:Gone"),
      with_natural(row("account.term_30", {{"due", "30"}}, true), "term:1:30 Days"),
      row("term:1:plain", {{"due", "x"}})};
  std::vector<KeyedRow> test = {
      with_natural(row("l10n_x.term_30", {{"due", "30"}}, true), "term:1:30 Days"),
      with_natural(row("l10n_x.term_30b", {{"due", "30"}}, true), "term:1:30 Days"),
      with_natural(row("term:1:New", {{"due", "n"}}), "term:1:New"),
      row("term:1:plain2", {{"due", "x"}})};
  auto paired = pair_by_natural_key(prod, test);
  REQUIRE(paired.pairs.size() == 1);
  CHECK(paired.pairs[0].first.key == "account.term_30");
  CHECK(paired.pairs[0].second.key == "l10n_x.term_30"); // the first of the same natural key
  REQUIRE(paired.production_only.size() == 2);
  CHECK(paired.production_only[0].key == "account.gone");
  CHECK(paired.production_only[1].key == "term:1:plain");
  REQUIRE(paired.test_only.size() == 3);
  CHECK(paired.test_only[0].key == "l10n_x.term_30b");
  CHECK(paired.test_only[2].key == "term:1:plain2");

  DiffRules rules;
  rules.model = "account.payment.term";
  rules.what = "payment term";
  rules.changed = Severity::warning;
  rules.changed_custom = Severity::blocking;
  SECTION("unchanged but moved: one info finding, keyed by production's key") {
    auto f = classify_moved(paired.pairs[0].first, paired.pairs[0].second, rules);
    REQUIRE(f);
    CHECK(f->severity == Severity::info);
    CHECK(f->key == "account.term_30");
    REQUIRE(f->changes.size() == 1);
    CHECK(f->changes[0].field == "xml_id");
    CHECK(f->changes[0].before == "account.term_30");
    CHECK(f->changes[0].after == "l10n_x.term_30");
    CHECK(f->message.find("natural key 'term:1:30 Days'") != std::string::npos);
  }
  SECTION("moved and changed: the change keeps its severity") {
    auto changed = paired.pairs[0].second;
    changed.values["due"] = "45";
    auto f = classify_moved(paired.pairs[0].first, changed, rules);
    REQUIRE(f);
    CHECK(f->severity == Severity::warning); // a standard record changed
    CHECK(f->changes.size() == 2);
  }
  SECTION("a record the rules do not look at stays quiet") {
    rules.missing_only_if = {{"used", "true"}};
    rules.only_if_gates_changes = true;
    CHECK_FALSE(classify_moved(paired.pairs[0].first, paired.pairs[0].second, rules));
  }
}

namespace {

// The rules of `dataset` of check `check_id`.
const DiffRules& dataset_rules(const std::string& check_id, const std::string& dataset) {
  for (const auto& d : check_datasets(check_id)) {
    if (d.dataset == dataset) {
      return d.rules;
    }
  }
  throw std::out_of_range(dataset);
}

} // namespace

TEST_CASE("core::uat::classify: a changed list says what was removed and added", "[core]") {
  // Issue 10: two lists cut at 80 characters looked identical when they differed near the end.
  std::string common = "4000 Projects; 4001 Consulting; 4002 Design; 4003 Training; 4004 Support";
  auto before = row("analytic_plan:Projects", {{"accounts", common + "; 4005 Marketing @1"}});
  auto after = row("analytic_plan:Projects", {{"accounts", common + "; 4006 Events @1"}});
  auto f = classify(&before, &after, dataset_rules("business-data", "analytic_plans"));
  REQUIRE(f);
  INFO(f->message);
  CHECK(f->message.find("accounts removed: 4005 Marketing @1 / added: 4006 Events @1") !=
        std::string::npos);
  CHECK(f->message.find("…") == std::string::npos);
  // The change itself keeps both whole values for tools.
  REQUIRE(f->changes.size() == 1);
  CHECK(f->changes[0].before == common + "; 4005 Marketing @1");

  SECTION("every list field of every dataset") {
    struct Case {
      std::string check, dataset, field, separator;
    };
    for (const auto& c : std::vector<Case>{{"users", "users", "groups", ", "},
                                           {"business-data", "analytic_plans", "accounts", "; "},
                                           {"business-data", "calendars", "schedule", "; "},
                                           {"business-data", "payment_terms", "due", "; "},
                                           {"business-data", "product_attributes", "values", ", "},
                                           {"business-data", "attribute_lines", "values", ", "},
                                           {"accounting", "taxes", "accounts", "; "},
                                           {"accounting", "currencies", "latest_rates", "; "},
                                           {"products", "products", "vendors", "; "},
                                           {"products", "products", "routes", "; "},
                                           {"products", "products", "cost", ";"}}) {
      DYNAMIC_SECTION(c.dataset << "." << c.field) {
        std::string items;
        for (int i = 0; i < 12; ++i) {
          items += (i == 0 ? "" : c.separator) + "item number " + std::to_string(i);
        }
        auto p = row("k", {{c.field, items + c.separator + "the old one"}});
        auto t = row("k", {{c.field, items}});
        auto g = classify(&p, &t, dataset_rules(c.check, c.dataset));
        REQUIRE(g);
        INFO(g->message);
        CHECK(g->message.find(c.field + " removed: the old one / added: none") !=
              std::string::npos);
      }
    }
  }
  SECTION("the same items in another order") {
    auto p = row("k", {{"due", "30%@2025-01-31; 70%@2025-03-02"}});
    auto t = row("k", {{"due", "70%@2025-03-02; 30%@2025-01-31"}});
    auto g = classify(&p, &t, dataset_rules("business-data", "payment_terms"));
    REQUIRE(g);
    CHECK(g->message.find("due reordered") != std::string::npos);
  }
}

TEST_CASE("core::uat::classify: a long text changed near its end shows where", "[core]") {
  std::string head(100, 'x');
  auto p = row("filter:a",
               {{"domain", "[('state', '=', 'draft'), " + head + ", ('amount', '>', 1000)]"}});
  auto t = row("filter:a",
               {{"domain", "[('state', '=', 'draft'), " + head + ", ('amount', '>', 5000)]"}});
  auto f = classify(&p, &t, dataset_rules("filters", "filters"));
  REQUIRE(f);
  INFO(f->message);
  CHECK(f->message.find("1000") != std::string::npos);
  CHECK(f->message.find("5000") != std::string::npos);
}
