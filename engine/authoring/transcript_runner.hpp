#pragma once

// Runs golden transcripts (transcript.hpp) against the loaded dialogs, through the real turn
// function and the safety gate it is given, and records coverage per dialog and locale. A
// transcript fails at its first mismatch, with `file:line` and expected versus got.

#include "engine/authoring/coverage.hpp"
#include "engine/authoring/transcript.hpp"
#include "engine/core/safety_gate.hpp"
#include "engine/dialog/dialog_set.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace heregoes::authoring {

struct transcript_failure {
    std::string where;   // file:line
    std::string message; // expected versus got

    std::string to_string() const { return where + ": " + message; }
};

// One row of the coverage report.
struct coverage_row {
    std::string dialog_id;
    std::uint32_t version = 0;
    std::string locale;
    std::size_t transcripts = 0; // transcripts run on this dialog and locale
    coverage_counts states;
    coverage_counts transitions;
    coverage_counts strings;
    std::vector<std::string> uncovered_states;
    std::vector<std::string> uncovered_transitions;
    std::vector<std::string> uncovered_strings;
};

class transcript_runner {
public:
    transcript_runner(std::shared_ptr<const dialog::dialog_set> dialogs, const safety::gate& gate);

    // Runs one transcript; nullopt when it passed.
    std::optional<transcript_failure> run(const transcript& t);

    // One row per locale of every dialog a transcript ran on (locales no transcript ran in
    // are included with zero coverage), sorted by dialog and locale.
    std::vector<coverage_row> coverage() const;

private:
    // The dialog compiled with a transcript's `deploy` values (cached); the loaded one when none.
    expected<std::shared_ptr<const dialog::dialog>>
    with_deployment(const std::shared_ptr<const dialog::dialog>& d, const transcript& t);
    coverage_tracker& tracker_for(const std::shared_ptr<const dialog::dialog>& d,
                                  const std::string& locale);

    std::shared_ptr<const dialog::dialog_set> dialogs_;
    const safety::gate& gate_;
    using key = std::tuple<std::string, std::uint32_t, std::string>;
    std::map<key, std::unique_ptr<coverage_tracker>> trackers_;
    std::map<key, std::size_t> runs_;
    std::map<std::string, std::shared_ptr<const dialog::dialog>> deployed_; // by file + values
};

} // namespace heregoes::authoring
