// Tests that a practice customises the default dialog (dialogs/first-session.json) through its
// deployment variables alone: who reads the chat, what is kept, the practice's name, intake and
// fees notes, the US Good Faith Estimate and a reviewed minors' consent note. Golden transcripts
// run on the defaults only, so these are the checks that the configured texts appear (and the
// default ones give way) in every locale. Also guards the content rule that no string states an
// age threshold for minors (clinical.md §3.5).

#include "engine/core/safety_gate.hpp"
#include "engine/dialog/dialog.hpp"
#include "engine/dialog/loader.hpp"
#include "engine/dialog/turn.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace heregoes;

const std::string dialogs_dir = HEREGOES_DIALOGS_DIR;

// Lets every input through and adds a recognisable help line, so these tests see only the
// dialog's own messages (the real safety layer has its own tests).
class pass_through_gate final : public safety::gate {
public:
    safety::gate_result before_input(safety::safety_state&,
                                     const safety::gate_input&,
                                     std::string_view,
                                     std::vector<bot_message>&) const override {
        return safety::gate_result::pass;
    }
    void append_note(const safety::safety_state&,
                     std::string_view,
                     std::vector<bot_message>& out) const override {
        bot_message m;
        m.id = "safety.help_line";
        m.flags = flag_help_note;
        out.push_back(std::move(m));
    }
};

using deployment = std::map<std::string, std::string, std::less<>>;

std::shared_ptr<const dialog::dialog> load(const deployment& values) {
    dialog::load_options options;
    options.deployment = values;
    auto d = dialog::load_dialog(dialogs_dir + "/first-session.json", options);
    if (!d) {
        ADD_FAILURE() << d.error().message;
        return nullptr;
    }
    return *d;
}

// The messages of the first turn when a session starts at `state` (empty: the dialog's start).
std::vector<bot_message>
first_turn(const dialog::dialog& d, const std::string& locale, const std::string& state = {}) {
    const pass_through_gate gate;
    dialog::session s = dialog::new_session(d, locale, 1);
    dialog::turn_output out;
    if (state.empty()) {
        dialog::step(d, gate, s, dialog::input{dialog::input::kind::start, {}}, out);
    } else {
        const auto index = d.find_state(state);
        if (!index) {
            ADD_FAILURE() << "no state " << state;
            return {};
        }
        dialog::start_at(d, gate, s, *index, out);
    }
    return out.messages;
}

const bot_message* find_id(const std::vector<bot_message>& messages, const std::string& id) {
    const auto it = std::find_if(
        messages.begin(), messages.end(), [&](const bot_message& m) { return m.id == id; });
    return it == messages.end() ? nullptr : &*it;
}

TEST(practice_customisation, defaults_say_no_one_reads_and_nothing_is_saved) {
    const auto d = load({});
    ASSERT_TRUE(d);
    for (const std::string locale : {"en", "es"}) {
        const auto messages = first_turn(*d, locale);
        EXPECT_TRUE(find_id(messages, "common.read_no")) << locale;
        EXPECT_TRUE(find_id(messages, "common.stored_none")) << locale;
        EXPECT_FALSE(find_id(messages, "common.read_yes")) << locale;
        EXPECT_FALSE(find_id(messages, "common.stored_kept")) << locale;
    }
}

TEST(practice_customisation, chat_is_read_yes_replaces_the_no_one_reads_line) {
    const auto d = load({{"chat_is_read", "yes"}});
    ASSERT_TRUE(d);
    for (const std::string locale : {"en", "es"}) {
        const auto messages = first_turn(*d, locale);
        const bot_message* read = find_id(messages, "common.read_yes");
        ASSERT_TRUE(read) << locale;
        EXPECT_TRUE(read->flags & flag_disclosure) << locale;
        EXPECT_FALSE(find_id(messages, "common.read_no")) << locale;
    }
}

TEST(practice_customisation, kept_transcripts_show_the_retention_period) {
    const auto d = load({{"transcripts_kept", "yes"}, {"retention_days", "14"}});
    ASSERT_TRUE(d);
    for (const std::string locale : {"en", "es"}) {
        const auto messages = first_turn(*d, locale);
        const bot_message* kept = find_id(messages, "common.stored_kept");
        ASSERT_TRUE(kept) << locale;
        EXPECT_NE(kept->text.find("14"), std::string::npos) << kept->text;
        EXPECT_FALSE(find_id(messages, "common.stored_none")) << locale;
    }
}

TEST(practice_customisation, practice_name_replaces_the_generic_welcome) {
    const auto d = load({{"practice_name", "Riverside Counselling"}});
    ASSERT_TRUE(d);
    for (const std::string locale : {"en", "es"}) {
        const auto messages = first_turn(*d, locale);
        const bot_message* practice = find_id(messages, "welcome.practice");
        ASSERT_TRUE(practice) << locale;
        EXPECT_EQ(practice->text.rfind("Riverside Counselling", 0), 0u) << practice->text;
        EXPECT_FALSE(find_id(messages, "welcome.purpose")) << locale;
    }
}

TEST(practice_customisation, no_practice_name_gives_the_generic_welcome) {
    const auto d = load({});
    ASSERT_TRUE(d);
    const auto messages = first_turn(*d, "en");
    EXPECT_TRUE(find_id(messages, "welcome.purpose"));
    EXPECT_FALSE(find_id(messages, "welcome.practice"));
}

TEST(practice_customisation, intake_note_is_shown_on_the_first_session_page) {
    const std::string note = "Your first visit is a 50-minute video call.";
    const auto d = load({{"intake_note", note}});
    ASSERT_TRUE(d);
    const auto messages = first_turn(*d, "en", "expect_intake");
    const bot_message* shown = find_id(messages, "expect.intake_note");
    ASSERT_TRUE(shown);
    EXPECT_EQ(shown->text, note);
}

TEST(practice_customisation, fees_page_shows_the_fees_note_and_good_faith_estimate_when_enabled) {
    const auto d = load({{"fees_note", "Sessions cost $120."}, {"good_faith_estimate", "yes"}});
    ASSERT_TRUE(d);
    const auto messages = first_turn(*d, "en", "expect_fees");
    const bot_message* fees = find_id(messages, "expect.fees_note");
    ASSERT_TRUE(fees);
    EXPECT_EQ(fees->text, "Sessions cost $120.");
    EXPECT_TRUE(find_id(messages, "expect.gfe"));
}

TEST(practice_customisation, good_faith_estimate_is_off_by_default) {
    const auto d = load({});
    ASSERT_TRUE(d);
    const auto messages = first_turn(*d, "en", "expect_fees");
    EXPECT_FALSE(find_id(messages, "expect.gfe"));
    EXPECT_FALSE(find_id(messages, "expect.fees_note"));
}

TEST(practice_customisation, minor_consent_note_replaces_the_default_explanation) {
    const std::string note = "Reviewed statement for this practice's state.";
    const auto d = load({{"minor_consent_note", note}});
    ASSERT_TRUE(d);
    const auto messages = first_turn(*d, "en", "minors_law");
    const bot_message* configured = find_id(messages, "minors.configured");
    ASSERT_TRUE(configured);
    EXPECT_EQ(configured->text, note);
    EXPECT_FALSE(find_id(messages, "minors.explain"));
}

TEST(practice_customisation, without_a_minor_consent_note_the_guide_names_no_rules) {
    const auto d = load({});
    ASSERT_TRUE(d);
    const auto messages = first_turn(*d, "en", "minors_law");
    EXPECT_TRUE(find_id(messages, "minors.explain"));
    EXPECT_FALSE(find_id(messages, "minors.configured"));
}

// clinical.md §3.5: the default dialog never states an age of consent or an age threshold.
TEST(content_rules, no_string_states_an_age_threshold) {
    const RE2 age(
        R"((?i)\b\d{1,2}\s*(\+|years?\s*old|or\s+(older|over)|and\s+(older|over)|a[ñn]os|o\s+m[aá]s)|\b(aged?|under|over|edad\s+de|menores\s+de|mayores\s+de)\s+\d{1,2}\b)");
    ASSERT_TRUE(age.ok()) << age.error();
    for (const std::string locale : {"en", "es"}) {
        std::ifstream in(dialogs_dir + "/strings/" + locale + "/first-session.json");
        ASSERT_TRUE(in) << locale;
        const auto doc = nlohmann::json::parse(in);
        for (const auto& [id, value] : doc.at("strings").items()) {
            const std::string text =
                value.is_string() ? value.get<std::string>() : value.at("text").get<std::string>();
            EXPECT_FALSE(RE2::PartialMatch(text, age)) << locale << " " << id << ": " << text;
        }
    }
}

} // namespace
