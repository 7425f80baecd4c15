// Measures the screen on the labelled corpus, per locale: recall on must-trigger cases (and that
// tier-2 cases reach the crisis message), and the false-alarm rate on near-miss and informational
// cases. Prints the figures, then asserts the targets of issue 4: every must-trigger case caught,
// at most one near-miss in twenty escalated to a takeover, and no ordinary message taken over.
// Someone else at risk now (clinical.md §5.4) is measured the same way on third_party.txt: every
// case gets the advice on helping them without a takeover, and its near-misses (past events,
// questions, fiction) get neither.

#include "tests/engine/safety/corpus_file.hpp"
#include "tests/engine/safety/test_data.hpp"

#include <gtest/gtest.h>

#include <cstdio>

namespace heregoes::safety {
namespace {

using testing::corpus_case;
using testing::read_corpus;

// What a case reached: the highest takeover tier (0 none, 1 check question, 2 crisis message),
// and whether any message got the advice for someone else at risk.
struct case_outcome {
    int tier = 0;
    bool third_party = false;
};

case_outcome run_case(const screening_gate& gate, const std::string& locale, const corpus_case& c) {
    safety_state state;
    case_outcome reached;
    for (const auto& text : c.messages) {
        std::vector<bot_message> out;
        const auto result = gate.before_input(state, {gate_input::kind::text, text}, locale, out);
        if (out.empty()) {
            continue;
        }
        const std::string& id = out.back().id;
        if (result == gate_result::took_over) {
            if (id == "safety.check") {
                reached.tier = std::max(reached.tier, 1);
            } else if (id.rfind("safety.crisis.", 0) == 0) {
                reached.tier = 2;
            }
        }
        if (result == gate_result::answered && id.rfind("safety.third_party.", 0) == 0) {
            reached.third_party = true;
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
        const case_outcome o = run_case(*gate, locale, c);
        const int tier = o.tier;
        if (c.label == "third_party") {
            // Someone else at risk: the advice, and the dialog carries on.
            const bool advised = o.third_party && tier == 0;
            caught += advised ? 1 : 0;
            EXPECT_TRUE(advised) << locale << " must_trigger.txt:" << c.line
                                 << " needs the third-party advice without a takeover: "
                                 << joined(c);
            continue;
        }
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
    int near_advised = 0;
    for (const char* file : {"near_miss.txt", "informational.txt"}) {
        for (const auto& c : read_corpus(dir + file)) {
            ++near_total;
            const case_outcome o = run_case(*gate, locale, c);
            const int tier = o.tier;
            if (o.third_party) {
                ++near_advised;
                std::printf("  [%s] third-party advice on %s:%d: %s\n",
                            locale.c_str(),
                            file,
                            c.line,
                            joined(c).c_str());
            }
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
        const case_outcome o = run_case(*gate, locale, c);
        EXPECT_EQ(o.tier, 0) << locale << " ordinary.txt:" << c.line
                             << " caused a takeover: " << joined(c);
        EXPECT_FALSE(o.third_party)
            << locale << " ordinary.txt:" << c.line << " got third-party advice: " << joined(c);
    }
    EXPECT_GT(ordinary_total, 0);
    std::printf("[%s] recall %d/%d (%.1f%%), tier 2 %d/%d, false alarms %d/%d (%.1f%%), "
                "third-party advice on near-misses %d/%d, ordinary %d checked\n",
                locale.c_str(),
                caught,
                static_cast<int>(must.size()),
                100.0 * caught / static_cast<double>(must.size()),
                crisis_reached,
                crisis_expected,
                near_alarms,
                near_total,
                100.0 * near_alarms / near_total,
                near_advised,
                near_total,
                ordinary_total);
    EXPECT_EQ(caught, static_cast<int>(must.size()));
    EXPECT_LE(near_alarms * 20, near_total) << "more than one near-miss in twenty escalated";
    EXPECT_LE(near_advised * 20, near_total)
        << "more than one near-miss in twenty got third-party advice";
}

TEST_P(corpus, someone_else_at_risk_gets_advice_and_near_misses_do_not) {
    const std::string locale = GetParam();
    const auto gate = testing::shipped_gate();
    ASSERT_NE(gate, nullptr);
    const auto cases = read_corpus(testing::source_dir + "/tests/engine/safety/corpus/" + locale +
                                   "/third_party.txt");
    int expected = 0;
    int advised = 0;
    int near_total = 0;
    int near_advised = 0;
    for (const auto& c : cases) {
        const case_outcome o = run_case(*gate, locale, c);
        EXPECT_EQ(o.tier, 0) << locale << " third_party.txt:" << c.line
                             << " caused a takeover: " << joined(c);
        if (c.label == "third_party") {
            ++expected;
            advised += o.third_party ? 1 : 0;
            EXPECT_TRUE(o.third_party)
                << locale << " third_party.txt:" << c.line << " missed: " << joined(c);
        } else {
            ASSERT_EQ(c.label, "none") << locale << " third_party.txt:" << c.line
                                       << " needs the label third_party or none";
            ++near_total;
            if (o.third_party) {
                ++near_advised;
                std::printf("  [%s] third-party false alarm third_party.txt:%d: %s\n",
                            locale.c_str(),
                            c.line,
                            joined(c).c_str());
            }
        }
    }
    ASSERT_GT(expected, 0);
    ASSERT_GT(near_total, 0);
    std::printf("[%s] third party: advice %d/%d, near-miss false alarms %d/%d\n",
                locale.c_str(),
                advised,
                expected,
                near_advised,
                near_total);
    EXPECT_LE(near_advised * 20, near_total)
        << "more than one third-party near-miss in twenty got the advice";
}

INSTANTIATE_TEST_SUITE_P(locales, corpus, ::testing::Values("en", "es"));

} // namespace
} // namespace heregoes::safety
