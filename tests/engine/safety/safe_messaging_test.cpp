// The safe-messaging scan (clinical.md §1.5, §5.9): every string of every dialog and locale
// (dialogs/strings/**) and of the safety layer (dialogs/safety/messages/**), and every safety
// message as rendered for every shipped region, is checked against the banned list in
// dialogs/safety/banned_phrases.json: method words, "committed suicide", "successful attempt",
// "epidemic", promises the bot cannot keep, false empathy and retired resources.

#include "engine/safety/crisis_resources.hpp"
#include "engine/safety/message_catalog.hpp"
#include "engine/safety/normaliser.hpp"
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

// locale -> normalised banned phrases.
using banned_list = std::map<std::string, std::vector<std::string>>;

banned_list load_banned() {
    std::ifstream in(testing::data_dir + "/banned_phrases.json");
    const json doc = json::parse(in);
    banned_list out;
    for (const auto& [locale, groups] : doc.at("phrases").items()) {
        for (const auto& [group, phrases] : groups.items()) {
            for (const auto& p : phrases) {
                out[locale].push_back(normalise(p.get<std::string>(), {}).text);
            }
        }
    }
    return out;
}

// The banned phrases found in `text`, matched as whole words on normalised text.
std::vector<std::string>
banned_in(const banned_list& banned, const std::string& locale, std::string_view text) {
    const std::string padded = " " + normalise(text, {}).text + " ";
    std::vector<std::string> found;
    for (const auto& [list_locale, phrases] : banned) {
        // A locale is held to its own list; a file of unknown locale to every list.
        if (banned.count(locale) != 0 && list_locale != locale) {
            continue;
        }
        for (const auto& p : phrases) {
            if (padded.find(" " + p + " ") != std::string::npos) {
                found.push_back(p);
            }
        }
    }
    return found;
}

struct scanned_string {
    std::string where;
    std::string locale;
    std::string text;
};

// Every user-visible string of a strings file: plain values and the "text" of object values.
void collect_strings(const fs::path& file, std::vector<scanned_string>& out) {
    std::ifstream in(file);
    const json doc = json::parse(in, nullptr, false);
    ASSERT_FALSE(doc.is_discarded()) << file << " is not valid JSON";
    const std::string locale = doc.contains("locale") && doc["locale"].is_string()
                                   ? doc["locale"].get<std::string>()
                                   : file.parent_path().filename().string();
    if (!doc.contains("strings") || !doc["strings"].is_object()) {
        return;
    }
    for (const auto& [id, value] : doc["strings"].items()) {
        const std::string where = file.string() + "#/strings/" + id;
        if (value.is_string()) {
            out.push_back({where, locale, value.get<std::string>()});
        } else if (value.is_object() && value.contains("text") && value["text"].is_string()) {
            out.push_back({where + "/text", locale, value["text"].get<std::string>()});
        }
    }
}

std::vector<scanned_string> all_dialog_strings() {
    std::vector<scanned_string> out;
    for (const auto& root : {fs::path(testing::source_dir) / "dialogs" / "strings",
                             fs::path(testing::data_dir) / "messages"}) {
        if (!fs::exists(root)) {
            continue;
        }
        for (const auto& entry : fs::recursive_directory_iterator(root)) {
            if (entry.is_regular_file() && entry.path().extension() == ".json") {
                collect_strings(entry.path(), out);
            }
        }
    }
    return out;
}

TEST(safe_messaging, the_scan_catches_a_planted_banned_phrase) {
    const auto banned = load_banned();
    EXPECT_FALSE(banned_in(banned, "en", "Don't worry, everything stays private.").empty());
    EXPECT_FALSE(banned_in(banned, "en", "He committed suicide.").empty());
    EXPECT_FALSE(banned_in(banned, "en", "I understand exactly how you feel").empty());
    EXPECT_FALSE(banned_in(banned, "es", "No se lo diré a nadie.").empty());
    EXPECT_FALSE(banned_in(banned, "es", "Es una epidemia").empty());
    EXPECT_TRUE(banned_in(banned, "en", "Most of what you say stays private.").empty());
}

TEST(safe_messaging, no_dialog_or_safety_string_uses_a_banned_phrase) {
    const auto banned = load_banned();
    const auto strings = all_dialog_strings();
    // The safety messages alone hold dozens of strings; an empty scan would prove nothing.
    ASSERT_GE(strings.size(), 20u);
    for (const auto& s : strings) {
        for (const auto& p : banned_in(banned, s.locale, s.text)) {
            ADD_FAILURE() << s.where << ": \"" << p << "\" is banned (clinical.md §1.5, §5.9)";
        }
    }
}

TEST(safe_messaging, no_rendered_safety_message_uses_a_banned_phrase) {
    const auto banned = load_banned();
    for (const char* region : {"US", "UK", "IE", "CA", "fallback"}) {
        for (const bool read : {false, true}) {
            auto options = testing::test_options(region);
            options.chat_is_read = read;
            const auto gate = load_gate(options);
            ASSERT_TRUE(gate) << gate.error().to_string();
            for (const auto& locale : (*gate)->locales()) {
                for (const char* input : {"safety.help_now", "i've taken an overdose"}) {
                    safety_state state;
                    std::vector<bot_message> out;
                    const bool choice = std::string_view(input).rfind("safety.", 0) == 0;
                    (*gate)->before_input(
                        state,
                        {choice ? gate_input::kind::choice : gate_input::kind::text, input},
                        locale,
                        out);
                    (*gate)->append_note(state, locale, out);
                    for (const auto& m : out) {
                        for (const auto& p : banned_in(banned, locale, m.text)) {
                            ADD_FAILURE() << region << "/" << locale << " " << m.id << ": \"" << p
                                          << "\" is banned";
                        }
                    }
                }
            }
        }
    }
}

TEST(safe_messaging,
     third_party_advice_in_every_region_is_safe_and_puts_the_emergency_number_first) {
    const auto banned = load_banned();
    const auto resources = load_resources(testing::data_dir + "/resources.json");
    ASSERT_TRUE(resources) << resources.error().to_string();
    for (const char* locale : {"en", "es"}) {
        const auto strings =
            load_messages(testing::data_dir + "/messages/" + std::string(locale) + ".json");
        ASSERT_TRUE(strings) << strings.error().to_string();
        for (const auto& region : resources->regions) {
            for (const bool read : {false, true}) {
                const auto catalog = message_catalog::render(*strings, region, {read, true});
                ASSERT_TRUE(catalog) << catalog.error().to_string();
                const std::string emergency =
                    region.with_role("emergency").front()->contacts.front().value;
                for (const std::string_view id : {"safety.third_party.self_harm",
                                                  "safety.third_party.child",
                                                  "safety.third_party.adult",
                                                  "safety.third_party.domestic",
                                                  "safety.third_party.threat"}) {
                    const bot_message& m = catalog->get(id);
                    for (const auto& p : banned_in(banned, locale, m.text)) {
                        ADD_FAILURE() << region.region << "/" << locale << " " << id << ": \"" << p
                                      << "\" is banned";
                    }
                    EXPECT_EQ(m.text.find('{'), std::string::npos) << id << ": " << m.text;
                    // The emergency number comes before any other service is named.
                    const auto first = m.text.find(emergency);
                    ASSERT_NE(first, std::string::npos) << region.region << " " << id;
                    for (const auto& e : region.entries) {
                        if (e.role != "emergency") {
                            const auto named = m.text.find(e.service);
                            EXPECT_TRUE(named == std::string::npos || first < named)
                                << region.region << " " << id << " names " << e.service
                                << " before the emergency number";
                        }
                    }
                }
            }
        }
    }
}

} // namespace
} // namespace heregoes::safety
