// Measures the screen on the labelled corpus, per locale: recall on must-trigger cases (and that
// tier-2 cases reach the crisis message), and the false-alarm rate on near-miss and informational
// cases. Prints the figures, then asserts the targets of issue 4: every must-trigger case caught,
// at most one near-miss in twenty escalated to a takeover, and no ordinary message taken over.

#include "tests/engine/safety/corpus_file.hpp"
#include "tests/engine/safety/test_data.hpp"

#include <gtest/gtest.h>

#include <cstdio>

namespace heregoes::safety {
namespace {

using testing::corpus_case;
using testing::read_corpus;

// Highest tier a case reached: 0 none, 1 check question, 2 crisis message.
int run_case(const screening_gate& gate, const std::string& locale, const corpus_case& c) {
    safety_state state;
    int reached = 0;
    for (const auto& text : c.messages) {
        std::vector<bot_message> out;
        const auto result = gate.before_input(state, {gate_input::kind::text, text}, locale, out);
        if (result == gate_result::took_over && !out.empty()) {
            const std::string& id = out.back().id;
            if (id == "safety.check") {
                reached = std::max(reached, 1);
            } else if (id.rfind("safety.crisis.", 0) == 0) {
                reached = 2;
            }
        }
    }
    return reached;
}

std::string joined(const corpus_case& c) {
    std::string s;
    for (const auto& m : c.messages) {
        s += (s.empty() ? "" : " || ") + m;
    }
    return s;
}

class corpus : public ::testing::TestWithParam<std::string> {};

TEST_P(corpus, meets_recall_and_false_alarm_targets) {
    const std::string locale = GetParam();
    const auto gate = testing::shipped_gate();
    ASSERT_NE(gate, nullptr);
    const std::string dir = testing::source_dir + "/tests/engine/safety/corpus/" + locale + "/";

    const auto must = read_corpus(dir + "must_trigger.txt");
    ASSERT_FALSE(must.empty());
    int caught = 0;
    int crisis_expected = 0;
    int crisis_reached = 0;
    for (const auto& c : must) {
        const int tier = run_case(*gate, locale, c);
        caught += tier > 0 ? 1 : 0;
        if (c.label == "crisis") {
            ++crisis_expected;
            crisis_reached += tier == 2 ? 1 : 0;
            EXPECT_EQ(tier, 2) << locale << " must_trigger.txt:" << c.line << " needs the crisis "
                               << "message: " << joined(c);
        } else {
            EXPECT_GT(tier, 0) << locale << " must_trigger.txt:" << c.line
                               << " missed: " << joined(c);
        }
    }

    int near_total = 0;
    int near_alarms = 0;
    for (const char* file : {"near_miss.txt", "informational.txt"}) {
        for (const auto& c : read_corpus(dir + file)) {
            ++near_total;
            const int tier = run_case(*gate, locale, c);
            if (tier > 0) {
                ++near_alarms;
                std::printf("  [%s] false alarm (%s) %s:%d: %s\n",
                            locale.c_str(),
                            tier == 2 ? "crisis" : "check",
                            file,
                            c.line,
                            joined(c).c_str());
            }
        }
    }
    ASSERT_GT(near_total, 0);

    int ordinary_total = 0;
    for (const auto& c : read_corpus(dir + "ordinary.txt")) {
        ++ordinary_total;
        EXPECT_EQ(run_case(*gate, locale, c), 0)
            << locale << " ordinary.txt:" << c.line << " caused a takeover: " << joined(c);
    }
    EXPECT_GT(ordinary_total, 0);
    std::printf("[%s] recall %d/%d (%.1f%%), tier 2 %d/%d, false alarms %d/%d (%.1f%%), "
                "ordinary %d checked\n",
                locale.c_str(),
                caught,
                static_cast<int>(must.size()),
                100.0 * caught / static_cast<double>(must.size()),
                crisis_reached,
                crisis_expected,
                near_alarms,
                near_total,
                100.0 * near_alarms / near_total,
                ordinary_total);
    EXPECT_EQ(caught, static_cast<int>(must.size()));
    EXPECT_LE(near_alarms * 20, near_total) << "more than one near-miss in twenty escalated";
}

INSTANTIATE_TEST_SUITE_P(locales, corpus, ::testing::Values("en", "es"));

} // namespace
} // namespace heregoes::safety
