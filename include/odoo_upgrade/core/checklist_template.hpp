#pragma once

#include <odoo_upgrade/core/uat.hpp>

#include <cstddef>
#include <string_view>
#include <vector>

// A consultant's checklist template: the manual UAT scenarios they run for every customer, named
// by the user's config file (`checklist_template`, docs/user-config.md) and added to the UAT
// checklist of each new project by `initiate`.
namespace odoo_upgrade::core::uat {

// The 1-based line of the first byte of `text` that is not well-formed UTF-8 (RFC 3629, table 3-7
// of the Unicode standard), or 0 when all of it is.
std::size_t bad_utf8_line(std::string_view text);

// Reads a template. JSON when its first character (after spaces) is `[` or `{`: a list of items,
// or an object whose `items` is that list; each item a title, or {"title", "id"?, "category"?}
// (the id derived from the title when absent, the category "custom" when absent). Otherwise
// text: one title per line; blank lines and lines starting with `#` are skipped. `where` names the
// file in errors. Throws FilesystemError (exit 6) naming `where` and the item ("item 3", its
// position in the JSON list) for invalid JSON, an item without a title or with a title of several
// lines, an invalid id (core::uat::valid_item_id), or an id given twice; an empty template is
// valid.
std::vector<ChecklistItem> checklist_template_from_text(std::string_view content,
                                                        std::string_view where);

// `checklist` followed by the items of `tmpl` it does not hold yet: an item whose id or title
// (compared exactly) is already there is left out, so that applying a template twice adds nothing
// and the project's version of an item wins. A template item whose derived id is taken by another
// item gets a free one (item_id_from_title).
std::vector<ChecklistItem> with_template(std::vector<ChecklistItem> checklist,
                                         const std::vector<ChecklistItem>& tmpl);

} // namespace odoo_upgrade::core::uat
