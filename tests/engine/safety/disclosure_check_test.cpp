// The disclosure check (issue 4, clinical.md §1.3): the first turn of every dialog says that the
// bot is an automated guide, says whether anyone reads the chat from configuration, and gives the
// urgent-help line; and "are you a bot?" gets the honest answer at any point, in every locale.
// The disclosure text itself is written by the dialog authors; this test holds them to its shape.

#include "tests/engine/safety/test_data.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>

namespace heregoes::safety {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

bool has_flag(const json& item, std::string_view flag) {
    if (!item.is_object() || !item.contains("flags") || !item["flags"].is_array()) {
        return false;
    }
    for (const auto& f : item["flags"]) {
        if (f.is_string() && f.get<std::string>() == flag) {
            return true;
        }
    }
    return false;
}

std::vector<fs::path> dialog_graphs() {
    std::vector<fs::path> out;
    for (const auto& entry : fs::directory_iterator(fs::path(testing::source_dir) / "dialogs")) {
        const auto name = entry.path().filename().string();
        if (entry.is_regular_file() && entry.path().extension() == ".json" &&
            name.find(".schema.") == std::string::npos) {
            out.push_back(entry.path());
        }
    }
    return out;
}

TEST(disclosure_check, the_first_turn_of_every_dialog_discloses_and_gives_urgent_help) {
    const auto graphs = dialog_graphs();
    if (graphs.empty()) {
        GTEST_SKIP() << "no dialog graphs in dialogs/ yet";
    }
    for (const auto& path : graphs) {
        std::ifstream in(path);
        const json doc = json::parse(in, nullptr, false);
        ASSERT_FALSE(doc.is_discarded()) << path;
        ASSERT_TRUE(doc.contains("start") && doc["start"].is_string()) << path;
        const std::string start = doc["start"].get<std::string>();
        ASSERT_TRUE(doc.contains("states") && doc["states"].contains(start)) << path;
        const json& say = doc["states"][start]["say"];
        ASSERT_TRUE(say.is_array()) << path << ": the start state says nothing";
        bool unconditional_disclosure = false;
        bool reading_from_configuration = false;
        bool help_note = false;
        for (const auto& item : say) {
            const bool conditional = item.is_object() && item.contains("if");
            if (has_flag(item, "disclosure") && !conditional) {
                unconditional_disclosure = true;
            }
            if (has_flag(item, "disclosure") && conditional && item["if"].is_string() &&
                item["if"].get<std::string>().find("chat_is_read") != std::string::npos) {
                reading_from_configuration = true;
            }
            if (item.is_object() && item.contains("help_note")) {
                help_note = true;
            }
        }
        EXPECT_TRUE(unconditional_disclosure)
            << path << ": the first turn must always say it is an automated guide";
        EXPECT_TRUE(reading_from_configuration)
            << path << ": whether anyone reads the chat must come from chat_is_read";
        EXPECT_TRUE(help_note) << path << ": the first turn must give the urgent-help line";
    }
}

TEST(disclosure_check, are_you_a_bot_gets_the_honest_answer_in_every_locale) {
    const auto gate = testing::shipped_gate();
    ASSERT_NE(gate, nullptr);
    const std::map<std::string, std::string> questions = {{"en", "are you a bot?"},
                                                          {"es", "¿eres un bot?"}};
    for (const auto& locale : gate->locales()) {
        ASSERT_EQ(questions.count(locale), 1u) << "add a question for the new locale " << locale;
        safety_state state;
        std::vector<bot_message> out;
        EXPECT_EQ(
            gate->before_input(state, {gate_input::kind::text, questions.at(locale)}, locale, out),
            gate_result::answered)
            << locale;
        ASSERT_FALSE(out.empty());
        EXPECT_EQ(out.back().id, "safety.disclosure");
        EXPECT_EQ(out.back().flags, flag_disclosure);
        EXPECT_EQ(state.current, safety_state::mode::idle) << locale;
    }
}

// The gate's answer to "are you a bot?" in `locale`.
std::string bot_answer(const screening_gate& gate, const std::string& locale) {
    safety_state state;
    std::vector<bot_message> out;
    gate.before_input(state,
                      {gate_input::kind::text, locale == "es" ? "¿eres un bot?" : "are you a bot?"},
                      locale,
                      out);
    return out.empty() ? std::string() : out.back().text;
}

// The answer says each fact once: "automated guide" was said twice when the answer reused the
// crisis messages' "who reads" sentence.
TEST(disclosure_check, the_bot_answer_says_it_is_automated_once_and_who_reads_the_chat) {
    const std::map<std::string, std::pair<std::string, std::string>> expected = {
        {"en", {"automated guide", "No one is reading this chat"}},
        {"es", {"guía automática", "Nadie está leyendo este chat"}}};
    const auto gate = testing::shipped_gate();
    ASSERT_NE(gate, nullptr);
    for (const auto& locale : gate->locales()) {
        ASSERT_EQ(expected.count(locale), 1u) << "add the expected words for " << locale;
        const auto& [automated, unread] = expected.at(locale);
        const std::string text = bot_answer(*gate, locale);
        const auto first = text.find(automated);
        ASSERT_NE(first, std::string::npos) << locale << ": " << text;
        EXPECT_EQ(text.find(automated, first + 1), std::string::npos) << locale << ": " << text;
        EXPECT_NE(text.find(unread), std::string::npos) << locale << ": " << text;
    }
}

TEST(disclosure_check, the_bot_answer_says_when_people_read_the_chat) {
    auto options = testing::test_options();
    options.chat_is_read = true;
    auto loaded = load_gate(options);
    ASSERT_TRUE(loaded) << loaded.error().to_string();
    const std::string text = bot_answer(**loaded, "en");
    EXPECT_NE(text.find("may read this chat later"), std::string::npos) << text;
    EXPECT_EQ(text.find("No one is reading"), std::string::npos) << text;
}

} // namespace
} // namespace heregoes::safety
