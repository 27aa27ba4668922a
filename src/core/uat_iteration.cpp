#include <odoo_upgrade/core/uat_iteration.hpp>

#include <cstdint>
#include <cstdio>
#include <map>
#include <set>

namespace odoo_upgrade::core::uat {

namespace {

// 64-bit FNV-1a over parts separated by a unit separator, so that ("ab", "c") and ("a", "bc")
// differ. Not a security measure: ids and digests only need to be stable and rarely collide.
class Fnv {
public:
  Fnv& add(std::string_view part) {
    for (char c : part) {
      mix(static_cast<unsigned char>(c));
    }
    mix(0x1f);
    return *this;
  }
  std::string hex(int digits) const {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(m_hash));
    return std::string(buf, static_cast<std::size_t>(digits));
  }

private:
  void mix(unsigned char c) {
    m_hash ^= c;
    m_hash *= 0x100000001b3ULL;
  }
  std::uint64_t m_hash = 0xcbf29ce484222325ULL;
};

bool has_result(const CheckResult& r) {
  return r.status != CheckStatus::error && r.status != CheckStatus::skipped;
}

// The problems of each check with a result, by check id and finding id.
std::map<std::string, std::map<std::string, const Finding*>>
problems_by_check(const std::vector<CheckResult>& results) {
  std::map<std::string, std::map<std::string, const Finding*>> out;
  for (const auto& r : results) {
    if (!has_result(r)) {
      continue;
    }
    auto& ids = out[r.id];
    for (const auto& f : r.findings) {
      if (is_problem(f)) {
        ids.emplace(f.id, &f);
      }
    }
  }
  return out;
}

} // namespace

std::string finding_id(const std::string& check_id, const Finding& f) {
  Fnv h;
  h.add(check_id).add(f.model).add(f.key.empty() ? "kind:" + f.kind : f.key);
  return check_id + "-" + h.hex(10);
}

std::string finding_digest(const Finding& f) {
  Fnv h;
  h.add(to_string(f.severity)).add(f.kind).add(f.model).add(f.key).add(f.name);
  for (const auto& c : f.changes) {
    h.add(c.field).add(c.before).add(c.after);
  }
  return h.hex(16);
}

void identify(CheckResult& result) {
  std::map<std::string, int> seen;
  for (auto& f : result.findings) {
    if (f.id.empty()) {
      std::string id = finding_id(result.id, f);
      int n = ++seen[id];
      f.id = n == 1 ? id : id + "-" + std::to_string(n);
    } else {
      ++seen[f.id];
    }
    if (f.digest.empty()) {
      f.digest = finding_digest(f);
    }
  }
}

bool is_problem(const Finding& f) {
  return f.severity == Severity::warning || f.severity == Severity::blocking;
}

RoundChanges compare_rounds(std::vector<CheckResult>& current,
                            const std::vector<CheckResult>& previous,
                            int previous_round) {
  RoundChanges out;
  out.previous_round = previous_round;
  if (previous_round == 0) {
    return out;
  }
  auto before = problems_by_check(previous);
  for (auto& r : current) {
    auto it = before.find(r.id);
    if (!has_result(r) || it == before.end()) {
      continue;
    }
    std::set<std::string> now;
    for (auto& f : r.findings) {
      if (!is_problem(f)) {
        continue;
      }
      now.insert(f.id);
      bool still = it->second.count(f.id) > 0;
      f.since = still ? "still" : "new";
      ++(still ? out.still : out.added);
    }
    for (const auto& [id, f] : it->second) {
      if (now.count(id) == 0) {
        ++out.fixed;
        out.fixed_findings.emplace_back(r.id, *f);
      }
    }
  }
  return out;
}

std::string changes_line(const RoundChanges& c) {
  if (c.previous_round == 0) {
    return "first round: nothing to compare with";
  }
  return std::to_string(c.fixed) + " fixed, " + std::to_string(c.added) + " new, " +
         std::to_string(c.still) + " still there since round " + std::to_string(c.previous_round);
}

long long apply_acceptances(std::vector<CheckResult>& results,
                            const std::vector<Acceptance>& acceptances) {
  std::map<std::string, const Acceptance*> by_id;
  for (const auto& a : acceptances) {
    by_id[a.id] = &a;
  }
  long long applied = 0;
  for (auto& r : results) {
    for (auto& f : r.findings) {
      auto it = by_id.find(f.id);
      if (it == by_id.end() || f.accepted) {
        continue;
      }
      const Acceptance& a = *it->second;
      f.accepted = Finding::Acceptance{a.reason, a.by, a.at, a.digest != f.digest};
      if (f.is_accepted()) {
        ++applied;
        --r.finding_counts[f.severity];
      }
    }
    r.finish();
  }
  return applied;
}

long long accepted_count(const CheckResult& result) {
  long long n = 0;
  for (const auto& f : result.findings) {
    n += f.is_accepted() ? 1 : 0;
  }
  return n;
}

long long accepted_count(const std::vector<CheckResult>& results) {
  long long n = 0;
  for (const auto& r : results) {
    n += accepted_count(r);
  }
  return n;
}

std::pair<const CheckResult*, const Finding*> find_finding(const std::vector<CheckResult>& results,
                                                           const std::string& id) {
  for (const auto& r : results) {
    for (const auto& f : r.findings) {
      if (f.id == id) {
        return {&r, &f};
      }
    }
  }
  return {nullptr, nullptr};
}

} // namespace odoo_upgrade::core::uat
