#pragma once

#include <odoo_upgrade/core/uat.hpp>
#include <odoo_upgrade/core/uat_record.hpp>

#include <string>
#include <utility>
#include <vector>

// The UAT method is round after round: this header gives every finding a stable identity, compares
// a round's latest results with the previous round's (new / still there / fixed), and applies the
// customer's acceptances (`uat accept`). Pure logic; the command reads the results and the
// acceptances from the project and the round folders.
namespace odoo_upgrade::core::uat {

// The stable id of a finding of check `check_id`: "<check>-<10 hex digits>", hashed (64-bit
// FNV-1a) from the check and the record (model and key; a finding without a key, about the
// database as a whole, by its kind). A finding covers every changed field of its record; where a
// check reports fields one by one, its key names the field (translations: model:id:field:lang).
// The same record gives the same id in every run and round, whatever its values.
std::string finding_id(const std::string& check_id, const Finding& f);
// The digest of what the finding says (16 hex digits, 64-bit FNV-1a): its severity, kind, record,
// name and every changed field with its values before and after; not the message or the reason,
// which are wording. An acceptance applies while the digest is unchanged.
std::string finding_digest(const Finding& f);
// Sets the id and digest of every finding of `result` that has none (findings of report files
// written before ids existed get the same ids as new ones). Two findings of one check for the same
// record and field get ids made unique by their order ("…-2").
void identify(CheckResult& result);

// True for a finding that needs a person: above info.
bool is_problem(const Finding& f);

// The comparison of a round's latest results with the previous round's.
struct RoundChanges {
  int previous_round = 0; // 0: no previous round to compare with
  long long fixed = 0;    // problems of the previous round that are gone (or info) now
  long long added = 0;    // problems now that the previous round did not have ("new")
  long long still = 0;    // problems in both rounds ("still there")
  // The fixed findings, as the previous round reported them, with their check id.
  std::vector<std::pair<std::string, Finding>> fixed_findings;
};
// Compares the problems (findings above info, by id) of `current` with those of `previous`, check
// by check, for the checks that have a result in both (status neither `error` nor `skipped`):
// sets `since` on every problem of `current` ("new" or "still"), and lists the fixed ones.
// `previous_round` 0 (no previous round) leaves `current` unmarked.
RoundChanges compare_rounds(std::vector<CheckResult>& current,
                            const std::vector<CheckResult>& previous,
                            int previous_round);
// "3 fixed, 1 new, 5 still there since round 1", or "first round: nothing to compare with".
std::string changes_line(const RoundChanges& changes);

// Applies `acceptances` to `results`: a finding whose id is accepted gets `accepted`; when its
// digest is still the accepted one it no longer counts (its severity's count is lowered and the
// check's status recomputed by CheckResult::finish), otherwise the acceptance is marked `lapsed`
// and the finding counts as before. Returns the number of findings an acceptance applies to.
long long apply_acceptances(std::vector<CheckResult>& results,
                            const std::vector<Acceptance>& acceptances);
// The findings of `results` an acceptance applies to.
long long accepted_count(const std::vector<CheckResult>& results);
long long accepted_count(const CheckResult& result);

// The finding of `results` with id `id` and its check; {nullptr, nullptr} when none.
std::pair<const CheckResult*, const Finding*> find_finding(const std::vector<CheckResult>& results,
                                                           const std::string& id);

} // namespace odoo_upgrade::core::uat
