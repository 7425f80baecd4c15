// Tests for the platform-neutral adapter helpers: event mapping and numbered choices.

#include "adapters/web/platform_adapter.hpp"

#include <gtest/gtest.h>

namespace heregoes::adapters {
namespace {

bot_message with_choices() {
    bot_message m;
    m.text = "What would help?";
    m.choices = {{"menu.expect", "What happens"}, {"menu.rehearse", "Practise"}};
    return m;
}

TEST(platform_adapter, events_become_engine_input) {
    platform_event e{platform_event::kind::text, "c1", "hello"};
    auto in = to_engine_input(e);
    ASSERT_TRUE(in.has_value());
    EXPECT_EQ(in->kind, dialog::input::kind::text);
    EXPECT_EQ(in->value, "hello");
    e.kind = platform_event::kind::choice;
    EXPECT_EQ(to_engine_input(e)->kind, dialog::input::kind::choice);
    e.kind = platform_event::kind::start;
    EXPECT_EQ(to_engine_input(e)->kind, dialog::input::kind::start);
    e.kind = platform_event::kind::restart;
    EXPECT_EQ(to_engine_input(e)->kind, dialog::input::kind::restart);
}

TEST(platform_adapter, forget_has_no_dialog_input) {
    EXPECT_FALSE(to_engine_input({platform_event::kind::forget, "c1", ""}).has_value());
}

TEST(platform_adapter, numbered_text_lists_choices) {
    EXPECT_EQ(render_numbered(with_choices()), "What would help?\n\n1. What happens\n2. Practise");
    bot_message plain;
    plain.text = "Hi";
    EXPECT_EQ(render_numbered(plain), "Hi");
}

TEST(platform_adapter, numbers_pick_choices) {
    const auto m = with_choices();
    EXPECT_EQ(numbered_choice("2", m.choices), "menu.rehearse");
    EXPECT_EQ(numbered_choice(" 1. ", m.choices), "menu.expect");
    EXPECT_FALSE(numbered_choice("3", m.choices).has_value());
    EXPECT_FALSE(numbered_choice("0", m.choices).has_value());
    EXPECT_FALSE(numbered_choice("2 please", m.choices).has_value());
    EXPECT_FALSE(numbered_choice("", m.choices).has_value());
}

TEST(platform_adapter, buttons_fit_only_within_capabilities) {
    const auto m = with_choices();
    EXPECT_FALSE(fits_buttons(m, {false, 0, 0}));
    EXPECT_FALSE(fits_buttons(m, {true, 1, 0}));
    EXPECT_TRUE(fits_buttons(m, {true, 3, 0}));
    EXPECT_FALSE(fits_buttons(m, {true, 3, 5}));
    EXPECT_TRUE(fits_buttons(m, {true, 3, 20}));
}

} // namespace
} // namespace heregoes::adapters
