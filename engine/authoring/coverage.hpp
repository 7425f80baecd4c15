#pragma once

// Coverage of a dialog by transcript runs, per locale: which states were entered, which
// transitions were taken, which text ids were said. A transition is each choice, state intent,
// global route, next branch, no-match step (each reprompt and the final goto, the dialog default
// counted once), call and return, capture and visit bound. Transitions are read off each turn:
// the states the turn entered (turn_output::entered), the input, and the session before and after.

#include "engine/dialog/dialog.hpp"
#include "engine/dialog/turn.hpp"

#include <re2/re2.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace heregoes::authoring {

struct coverage_counts {
    std::size_t covered = 0;
    std::size_t total = 0;
    // 100 when there is nothing to cover.
    double percent() const;
};

class coverage_tracker {
public:
    coverage_tracker(std::shared_ptr<const dialog::dialog> d, std::string locale);

    // Records one turn: `before` is the session as it was given to step(), `after` as it left.
    void record(const dialog::session& before,
                const dialog::input& in,
                const dialog::turn_output& out,
                const dialog::session& after);

    coverage_counts states() const;
    coverage_counts transitions() const;
    coverage_counts strings() const;

    // What is still uncovered, in graph file order, for the report.
    std::vector<std::string> uncovered_states() const;
    std::vector<std::string> uncovered_transitions() const;
    std::vector<std::string> uncovered_strings() const;

    const dialog::dialog& covered_dialog() const { return *dialog_; }
    const std::string& locale() const { return locale_; }

private:
    void mark(const std::string& key);
    bool resolves(const std::string& target, const std::string& entered, int depth = 0);
    void record_automatic(const std::string& from, const std::string& to);
    void record_text(const dialog::state_decl& waiting,
                     std::string_view typed,
                     const dialog::session& before,
                     const dialog::session& after,
                     const std::vector<std::string>& entered);
    std::set<std::string> matched_intents(std::string_view typed) const;

    std::shared_ptr<const dialog::dialog> dialog_;
    std::string locale_;
    std::vector<std::string> all_states_;
    std::vector<std::string> all_transitions_;
    std::vector<std::string> all_strings_;
    std::set<std::string> seen_states_;
    std::set<std::string> seen_transitions_;
    std::set<std::string> seen_strings_;
    std::map<std::string, std::vector<std::unique_ptr<RE2>>> patterns_; // intent -> patterns
};

} // namespace heregoes::authoring
