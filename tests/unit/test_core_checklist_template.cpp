// Unit tests of core/checklist_template: a consultant's checklist template read from JSON or text,
// and added to a checklist once.
#include <odoo_upgrade/core/checklist_template.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace odoo_upgrade::core;
using namespace odoo_upgrade::core::uat;

TEST_CASE("core::uat::checklist_template_from_text", "[core]") {
  // Text: one title per line, comments and blank lines skipped, spaces trimmed, CRLF read.
  auto text = checklist_template_from_text(
      "# Partners SA's scenarios\r\n\n  Print the customs declaration  \r\nClose the POS session\n",
      "t.txt");
  REQUIRE(text.size() == 2);
  CHECK(text[0].title == "Print the customs declaration");
  CHECK(text[0].id.empty());
  CHECK(text[0].category == "custom");
  CHECK(text[1].title == "Close the POS session");
  // JSON: a list, or an object with `items`; titles or objects.
  auto list = checklist_template_from_text(
      R"([" Scan a barcode", {"title": "Run the payroll", "id": "payroll", "category": "scenario"}])",
      "t.json");
  REQUIRE(list.size() == 2);
  CHECK(list[0].title == " Scan a barcode");
  CHECK(list[1].id == "payroll");
  CHECK(list[1].category == "scenario");
  auto object = checklist_template_from_text(R"({"items": [{"title": "Run the payroll"}]})", "t");
  REQUIRE(object.size() == 1);
  CHECK(object[0].category == "custom");
  CHECK(checklist_template_from_text("", "t").empty());
  CHECK(checklist_template_from_text("[]", "t").empty());
  for (auto [bad, why] : std::vector<std::pair<std::string, std::string>>{
           {"[1]", "item 1 is neither a title nor an object"},
           {R"(["ok", {"id": "x"}])", "item 2: the title must be a non-empty single line"},
           {R"(["two\nlines"])", "item 1: the title must be a non-empty single line"},
           {R"([{"title": "A", "id": "Not An Id"}])", "item 1: invalid id 'Not An Id'"},
           {R"([{"title": "A", "id": 3}])", "item 1: 'id' is not a string"},
           {R"([{"title": "A", "id": "a"}, {"title": "B", "id": "a"}])", "gives the id 'a' twice"},
           {R"({"items": 3})", "is not a list of items"},
           {"[", "is not valid JSON"},
           {"[1e400]", "is not valid JSON"},
           {"Invoice check\n\xff\xfe bad\n", "is not UTF-8 text (line 2)"},
           {"caf\xc3", "is not UTF-8 text (line 1)"},         // cut in a character
           {"\xc0\x80", "is not UTF-8 text (line 1)"},        // overlong
           {"\xed\xa0\x80", "is not UTF-8 text (line 1)"}}) { // a surrogate
    INFO(bad);
    try {
      checklist_template_from_text(bad, "/home/c/template.json");
      FAIL("accepted");
    } catch (const FilesystemError& e) {
      CHECK(e.code() == ExitCode::filesystem);
      CHECK(std::string(e.what()).find("checklist template '/home/c/template.json' ") == 0);
      CHECK(std::string(e.what()).find(why) != std::string::npos);
    }
  }
}

TEST_CASE("core::uat::checklist_template_from_text: UTF-8 titles", "[core]") {
  auto items = checklist_template_from_text("Vérifier la facture 𝄞\nÜbersicht\n", "t.txt");
  REQUIRE(items.size() == 2);
  CHECK(items[0].title == "Vérifier la facture 𝄞");
}

TEST_CASE("core::uat::with_template", "[core]") {
  std::vector<ChecklistItem> project = default_checklist();
  project.push_back({"customs", "Print the customs declaration", "custom"});
  auto tmpl = checklist_template_from_text(
      R"(["Print the customs declaration", {"title": "Run the payroll", "id": "payroll"},
          {"title": "Another invoice", "id": "invoice"}, "Close the POS session",
          "Sell it: create and confirm a quotation"])",
      "t");
  auto once = with_template(project, tmpl);
  // Same title or same id: the project's item stays, the template's is left out.
  REQUIRE(once.size() == project.size() + 2);
  CHECK(once[project.size()].id == "payroll");
  CHECK(once[project.size() + 1].id == "close-the-pos-session");
  CHECK(once[project.size() + 1].title == "Close the POS session");
  // Applying it again adds nothing.
  CHECK(with_template(once, tmpl).size() == once.size());
  // A derived id already taken by another item gets a free one.
  auto taken = with_template({{"close-the-pos-session", "Close the till", "custom"}},
                             checklist_template_from_text("Close the POS session", "t"));
  REQUIRE(taken.size() == 2);
  CHECK(taken[1].id == "close-the-pos-session-2");
}
