#pragma once

#include <cstddef>
#include <string>

// A short unified diff of two texts, line by line, for people reading a UAT finding (a mail
// template body or a view's arch that the upgrade changed). Pure logic, no I/O.
namespace odoo_upgrade::core {

// The differing lines of `before` and `after` as unified-diff hunks ("@@ -a,b +c,d @@", then lines
// prefixed " ", "-" or "+"), with `context` unchanged lines around each change, cut after
// `max_lines` lines of output (the last line then says how many were left out). Lines end at
// "\n"; a "\r" before it is dropped. "" when the texts are equal. The common start and end are
// skipped first; the rest is matched by a longest common subsequence when it has at most
// `k_max_diff_cells` line pairs, else shown as all removed then all added (still correct, only
// less precise).
std::string unified_diff(const std::string& before,
                         const std::string& after,
                         std::size_t max_lines = 40,
                         std::size_t context = 2);
inline constexpr std::size_t k_max_diff_cells = 4'000'000;

} // namespace odoo_upgrade::core
