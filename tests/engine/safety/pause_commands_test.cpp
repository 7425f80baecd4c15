// The safety gate inside the real runtime: the shipped first-session dialog with the shipped gate.
// During the crisis pause the commands that work anywhere keep working ("delete my data" asks the
// server to erase the session, as it does anywhere else), while the crisis screen still runs first
// on the same text. Someone else at risk gets advice, and the dialog keeps its place and choices.

#include "engine/dialog/dialog.hpp"
#include "engine/dialog/turn.hpp"
#include "tests/engine/safety/test_data.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace heregoes::safety {
namespace {

std::shared_ptr<const dialog::dialog> first_session() {
    static const std::shared_ptr<const dialog::dialog> d = [] {
        auto loaded = dialog::load_dialog(testing::source_dir + "/dialogs/first-session.json",
                                          dialog::load_options{});
        if (!loaded) {
            ADD_FAILURE() << loaded.error().to_string();
            return std::shared_ptr<const dialog::dialog>();
        }
        return *loaded;
    }();
    return d;
}

class pause_commands : public ::testing::Test {
protected:
    void SetUp() override {
        dialog_ = first_session();
        gate_ = testing::shipped_gate("US");
        ASSERT_NE(dialog_, nullptr);
        ASSERT_NE(gate_, nullptr);
    }

    void start(std::string_view locale = "en") {
        session_ = dialog::new_session(*dialog_, locale, 7);
        ASSERT_EQ(step({dialog::input::kind::start, {}}), dialog::turn_status::ok);
    }

    dialog::turn_status step(const dialog::input& in) {
        return dialog::step(*dialog_, *gate_, session_, in, out_);
    }

    dialog::turn_status type(std::string_view text) {
        return step({dialog::input::kind::text, text});
    }

    bool said(std::string_view id) const {
        return std::any_of(out_.messages.begin(), out_.messages.end(), [id](const bot_message& m) {
            return m.id == id;
        });
    }

    std::string last_id() const {
        return out_.messages.empty() ? std::string() : out_.messages.back().id;
    }

    std::shared_ptr<const dialog::dialog> dialog_;
    std::shared_ptr<const screening_gate> gate_;
    dialog::session session_;
    dialog::turn_output out_;
};

TEST_F(pause_commands, delete_my_data_during_the_crisis_pause_asks_to_erase_the_session) {
    start();
    ASSERT_EQ(type("i've taken an overdose"), dialog::turn_status::ok);
    ASSERT_EQ(last_id(), "safety.crisis.self_harm");
    ASSERT_EQ(session_.safety.current, safety_state::mode::paused);

    ASSERT_EQ(type("delete my data"), dialog::turn_status::ok);
    EXPECT_TRUE(out_.forget_requested);
    EXPECT_FALSE(said("safety.paused"));
}

TEST_F(pause_commands, spanish_delete_my_data_during_the_crisis_pause_asks_to_erase_the_session) {
    start("es");
    ASSERT_EQ(type("Me tomé un montón de pastillas hace una hora y ahora tengo miedo."),
              dialog::turn_status::ok);
    ASSERT_EQ(session_.safety.current, safety_state::mode::paused);

    ASSERT_EQ(type("borra mis datos, por favor"), dialog::turn_status::ok);
    EXPECT_TRUE(out_.forget_requested);
}

TEST_F(pause_commands,
       a_crisis_phrase_during_the_pause_gets_the_crisis_response_before_any_command) {
    start();
    type("i've taken an overdose");
    ASSERT_EQ(type("delete my data, i am going to kill myself tonight"), dialog::turn_status::ok);
    EXPECT_FALSE(out_.forget_requested);
    EXPECT_EQ(last_id(), "safety.crisis.self_harm");
    EXPECT_EQ(session_.safety.current, safety_state::mode::paused);
}

TEST_F(pause_commands, other_text_during_the_pause_still_waits_for_the_person) {
    start();
    type("i've taken an overdose");
    ASSERT_EQ(type("ok"), dialog::turn_status::ok);
    EXPECT_FALSE(out_.forget_requested);
    EXPECT_EQ(last_id(), "safety.paused");
}

TEST_F(pause_commands,
       asking_whether_it_is_a_bot_during_the_pause_is_answered_and_the_pause_holds) {
    start();
    type("i've taken an overdose");
    ASSERT_EQ(type("are you a real person?"), dialog::turn_status::ok);
    EXPECT_EQ(last_id(), "safety.disclosure");
    EXPECT_EQ(session_.safety.current, safety_state::mode::paused);
}

TEST_F(pause_commands, someone_else_at_risk_gets_advice_and_the_dialog_keeps_its_place) {
    start();
    const auto state = session_.state;
    std::vector<std::string> offered;
    for (const auto& c : out_.messages.back().choices) {
        offered.push_back(c.id);
    }
    ASSERT_FALSE(offered.empty());

    ASSERT_EQ(type("my friend says she'll kill herself tonight"), dialog::turn_status::ok);
    EXPECT_EQ(last_id(), "safety.third_party.self_harm");
    EXPECT_EQ(session_.state, state);
    EXPECT_EQ(session_.safety.current, safety_state::mode::idle);
    std::vector<std::string> again;
    for (const auto& c : out_.messages.back().choices) {
        again.push_back(c.id);
    }
    EXPECT_EQ(again, offered);
}

TEST_F(pause_commands, someone_elses_threat_gets_advice_and_the_dialog_keeps_its_place) {
    start();
    const auto state = session_.state;
    ASSERT_EQ(type("my brother says he is going to kill his boss"), dialog::turn_status::ok);
    EXPECT_EQ(last_id(), "safety.third_party.threat");
    EXPECT_FALSE(said("safety.crisis.others"));
    EXPECT_EQ(session_.state, state);
    EXPECT_EQ(session_.safety.current, safety_state::mode::idle);
    EXPECT_FALSE(out_.messages.back().choices.empty());
}

// Every way of asking to erase that the safety pack knows must also be one the dialog's forget
// route knows, or the pause would end without the data being erased.
TEST_F(pause_commands, every_privacy_command_the_gate_lets_through_erases_the_session) {
    const std::pair<const char*, const char*> commands[] = {
        {"en", "delete my data"},
        {"en", "Please erase this conversation"},
        {"en", "wipe my history"},
        {"en", "clear the chat"},
        {"en", "delete everything"},
        {"en", "forget me"},
        {"en", "forget what i said"},
        {"es", "borra mis datos"},
        {"es", "elimina esta conversación"},
        {"es", "borrar el historial"},
        {"es", "borra todo"},
        {"es", "olvídate de mí"},
    };
    for (const auto& [locale, command] : commands) {
        start(locale);
        type(std::string(locale) == "en" ? "i've taken an overdose"
                                         : "Me tomé un montón de pastillas hace una hora.");
        ASSERT_EQ(session_.safety.current, safety_state::mode::paused) << command;
        ASSERT_EQ(type(command), dialog::turn_status::ok);
        EXPECT_TRUE(out_.forget_requested) << locale << ": " << command;
    }
}

} // namespace
} // namespace heregoes::safety
