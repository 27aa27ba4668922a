#include <odoo_upgrade/core/line_diff.hpp>

#include <algorithm>
#include <string_view>
#include <vector>

namespace odoo_upgrade::core {

namespace {

std::vector<std::string_view> split_lines(const std::string& text) {
  std::vector<std::string_view> lines;
  std::string_view rest(text);
  while (!rest.empty()) {
    auto end = rest.find('\n');
    auto line = rest.substr(0, end);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    lines.push_back(line);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  }
  return lines;
}

// One line of the edit script: ' ' kept, '-' only in before, '+' only in after.
struct Edit {
  char op;
  std::size_t a; // line index in before (for ' ' and '-')
  std::size_t b; // line index in after (for ' ' and '+')
};

// The edit script of a[lo_a, hi_a) against b[lo_b, hi_b) by a longest common subsequence, or all
// removed then all added when the table would be too large.
void middle_script(const std::vector<std::string_view>& a,
                   const std::vector<std::string_view>& b,
                   std::size_t lo_a,
                   std::size_t hi_a,
                   std::size_t lo_b,
                   std::size_t hi_b,
                   std::vector<Edit>& out) {
  std::size_t n = hi_a - lo_a;
  std::size_t m = hi_b - lo_b;
  if (n == 0 || m == 0 || n * m > k_max_diff_cells) {
    for (std::size_t i = lo_a; i < hi_a; ++i) {
      out.push_back({'-', i, lo_b});
    }
    for (std::size_t j = lo_b; j < hi_b; ++j) {
      out.push_back({'+', hi_a, j});
    }
    return;
  }
  // lcs[i][j]: length of the LCS of a[lo_a + i ..) and b[lo_b + j ..).
  std::vector<std::vector<unsigned>> lcs(n + 1, std::vector<unsigned>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      lcs[i][j] = a[lo_a + i] == b[lo_b + j] ? lcs[i + 1][j + 1] + 1
                                             : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[lo_a + i] == b[lo_b + j]) {
      out.push_back({' ', lo_a + i++, lo_b + j++});
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out.push_back({'-', lo_a + i++, lo_b + j});
    } else {
      out.push_back({'+', lo_a + i, lo_b + j++});
    }
  }
}

std::vector<Edit> edit_script(const std::vector<std::string_view>& a,
                              const std::vector<std::string_view>& b) {
  std::size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) {
    ++head;
  }
  std::size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head &&
         a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) {
    ++tail;
  }
  std::vector<Edit> out;
  for (std::size_t i = 0; i < head; ++i) {
    out.push_back({' ', i, i});
  }
  middle_script(a, b, head, a.size() - tail, head, b.size() - tail, out);
  for (std::size_t k = tail; k > 0; --k) {
    out.push_back({' ', a.size() - k, b.size() - k});
  }
  return out;
}

// "@@ -3,4 +3,5 @@" for the edits [from, to).
std::string hunk_header(const std::vector<Edit>& edits, std::size_t from, std::size_t to) {
  std::size_t count_a = 0;
  std::size_t count_b = 0;
  for (std::size_t k = from; k < to; ++k) {
    count_a += edits[k].op != '+' ? 1 : 0;
    count_b += edits[k].op != '-' ? 1 : 0;
  }
  auto range = [](std::size_t start, std::size_t count) {
    return std::to_string(count == 0 ? start : start + 1) + "," + std::to_string(count);
  };
  return "@@ -" + range(edits[from].a, count_a) + " +" + range(edits[from].b, count_b) + " @@";
}

} // namespace

std::string unified_diff(const std::string& before,
                         const std::string& after,
                         std::size_t max_lines,
                         std::size_t context) {
  if (before == after) {
    return "";
  }
  auto a = split_lines(before);
  auto b = split_lines(after);
  auto edits = edit_script(a, b);
  std::vector<std::size_t> changes;
  for (std::size_t k = 0; k < edits.size(); ++k) {
    if (edits[k].op != ' ') {
      changes.push_back(k);
    }
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < changes.size();) {
    // Changes at most 2×context unchanged lines apart share a hunk.
    std::size_t first = changes[i];
    std::size_t last = first;
    while (i + 1 < changes.size() && changes[i + 1] - last <= 2 * context + 1) {
      last = changes[++i];
    }
    ++i;
    std::size_t from = first >= context ? first - context : 0;
    std::size_t to = std::min(edits.size(), last + 1 + context);
    out.push_back(hunk_header(edits, from, to));
    for (std::size_t e = from; e < to; ++e) {
      const auto& line = edits[e].op == '+' ? b[edits[e].b] : a[edits[e].a];
      // Appended, not `std::string(1, op) + std::string(line)`: GCC 12 at -O3 reports a bogus
      // -Wrestrict in that operator+ (GCC PR105651).
      auto& text = out.emplace_back(1, edits[e].op);
      text += line;
    }
  }
  std::string text;
  std::size_t shown = std::min(out.size(), max_lines);
  for (std::size_t i = 0; i < shown; ++i) {
    text += out[i] + "\n";
  }
  if (out.size() > shown) {
    text += "… " + std::to_string(out.size() - shown) + " more diff line(s)\n";
  }
  return text;
}

} // namespace odoo_upgrade::core
