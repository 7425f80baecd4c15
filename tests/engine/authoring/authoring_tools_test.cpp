// The read-only authoring tools: graph rendering (dot, Mermaid), string listings, version diffs,
// and the scripted terminal chat.

#include "engine/authoring/dialog_diff.hpp"
#include "engine/authoring/graph_render.hpp"
#include "engine/authoring/string_listing.hpp"
#include "engine/authoring/terminal_chat.hpp"
#include "engine/dialog/dialog.hpp"
#include "engine/dialog/loader.hpp"
#include "tests/engine/authoring/scripted_gate.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

namespace heregoes::authoring {
namespace {

const std::filesystem::path dialogs_dir = HEREGOES_AUTHORING_DIALOGS;
const std::filesystem::path dialogs_v2_dir = HEREGOES_AUTHORING_DIALOGS_V2;

dialog::model load(const std::filesystem::path& file) {
    auto loaded = dialog::load_model(file);
    EXPECT_TRUE(loaded.ok());
    return std::move(*loaded.model);
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

TEST(graph_render, dot_colours_states_by_topic_and_labels_edges) {
    const auto dot = render_graph(load(dialogs_dir / "practice.json"), graph_format::dot);
    EXPECT_TRUE(contains(dot, "digraph \"practice\"")) << dot;
    EXPECT_TRUE(contains(
        dot, "label=\"menu\", fillcolor=\"" + std::string(topic_colour(topic::menu)) + "\""))
        << dot;
    EXPECT_TRUE(contains(dot, "[label=\"rehearse\"]")) << dot; // a choice id
    EXPECT_TRUE(contains(dot, "[label=\"intent rehearse\"]")) << dot;
    EXPECT_TRUE(contains(dot, "[label=\"call\"]")) << dot;
    EXPECT_TRUE(contains(dot, "any_waiting -> ")) << dot; // global routes
    EXPECT_TRUE(contains(dot, "legend_rehearsal")) << dot;
}

TEST(graph_render, mermaid_has_classes_per_topic_and_a_legend) {
    const auto mermaid = render_graph(load(dialogs_dir / "practice.json"), graph_format::mermaid);
    EXPECT_TRUE(contains(mermaid, "flowchart LR")) << mermaid;
    EXPECT_TRUE(contains(
        mermaid, "classDef topic_closing fill:" + std::string(topic_colour(topic::closing))))
        << mermaid;
    EXPECT_TRUE(contains(mermaid, "subgraph legend")) << mermaid;
    EXPECT_TRUE(contains(mermaid, "-->|\"bye\"|")) << mermaid;
}

TEST(graph_render, every_topic_has_its_own_colour) {
    std::set<std::string_view> colours;
    for (std::size_t i = 0; i < topic_count; ++i) {
        colours.insert(topic_colour(static_cast<topic>(i)));
    }
    EXPECT_EQ(colours.size(), topic_count);
}

TEST(string_listing, lists_each_string_once_in_graph_order_with_refs) {
    const auto m = load(dialogs_dir / "practice.json");
    const auto strings = list_strings(m, "en");
    ASSERT_GE(strings.size(), 4u);
    EXPECT_EQ(strings[0].text_id, "welcome.hello");
    EXPECT_EQ(strings[1].text_id, "welcome.disclosure");
    EXPECT_EQ(strings[2].text_id, "menu.pick");
    EXPECT_EQ(strings[3].role, "choice");
    const auto listing = format_string_listing(m, "en", strings);
    EXPECT_TRUE(contains(listing, "rehearsal.echo (say): Here's your line: {{opener}}")) << listing;
    EXPECT_TRUE(contains(listing, "ref: clinical.md §5.1")) << listing;
    EXPECT_EQ(strings.size(), 11u);
}

TEST(string_listing, other_locale_lists_its_own_text) {
    const auto strings = list_strings(load(dialogs_dir / "practice.json"), "es");
    EXPECT_EQ(strings[1].text, "Soy una guía automática, no una persona.");
}

TEST(dialog_diff, reports_added_removed_and_changed_text_per_locale) {
    const auto old_model = load(dialogs_dir / "practice.json");
    const auto new_model = load(dialogs_v2_dir / "practice.json");
    const auto diff = diff_dialogs(old_model, new_model);
    const auto text = format_diff(old_model, new_model, diff);
    EXPECT_TRUE(
        contains(text, "changed closing.bye\n  - Take care.\n  + Take good care of yourself."))
        << text;
    EXPECT_TRUE(contains(text, "added   expect.intro")) << text;
    EXPECT_TRUE(contains(text, "removed rehearsal.picked")) << text;
    EXPECT_TRUE(contains(text, "== text, locale es")) << text;
    EXPECT_EQ(diff.graph.states_added, std::vector<std::string>{"expect"});
    EXPECT_EQ(diff.graph.states_changed, (std::vector<std::string>{"menu", "rehearsal_start"}));
}

TEST(dialog_diff, same_dialog_has_no_changes) {
    const auto m = load(dialogs_dir / "practice.json");
    const auto diff = diff_dialogs(m, m);
    EXPECT_TRUE(diff.empty());
    EXPECT_TRUE(contains(format_diff(m, m, diff), "no user-visible changes"));
}

TEST(terminal_chat, scripted_stdin_prints_topics_and_numbered_choices) {
    auto d = dialog::load_dialog(dialogs_dir / "practice.json", dialog::load_options{});
    ASSERT_TRUE(d) << d.error().to_string();
    testing::scripted_gate gate;
    std::istringstream in("1\nI'm scared but here goes\n2\n");
    std::ostringstream out;
    run_terminal_chat(**d, gate, chat_settings{"en", 1, false}, in, out);
    const std::string text = out.str();
    EXPECT_TRUE(contains(text, "[welcome, disclosure] I'm an automated guide, not a person.\n"))
        << text;
    EXPECT_TRUE(contains(text,
                         "[menu] What would you like to do?\n    1. Practise what to say\n"
                         "    2. Stop for now\n"))
        << text;
    EXPECT_TRUE(
        contains(text, "[rehearsal, opener_card] Here's your line: I'm scared but here goes"))
        << text;
    EXPECT_TRUE(contains(text, "[closing] Take care.")) << text;
    EXPECT_TRUE(contains(text, "(the conversation has ended")) << text;
}

TEST(terminal_chat, choice_label_typed_in_words_is_pressed) {
    auto d = dialog::load_dialog(dialogs_dir / "practice.json", dialog::load_options{});
    ASSERT_TRUE(d);
    testing::scripted_gate gate;
    std::istringstream in("stop for now\n");
    std::ostringstream out;
    run_terminal_chat(**d, gate, chat_settings{"en", 1, false}, in, out);
    EXPECT_TRUE(contains(out.str(), "[closing] Take care.")) << out.str();
}

} // namespace
} // namespace heregoes::authoring
