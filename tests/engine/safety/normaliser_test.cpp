// Tests of the safety normaliser: one behaviour per test, against the plain form the packs use.

#include "engine/safety/normaliser.hpp"

#include <gtest/gtest.h>

namespace heregoes::safety {
namespace {

const shorthand_table shorthand({{"kms", "kill myself"}, {"im", "i am"}, {"dont", "do not"}});

TEST(normaliser, folds_case_and_accents) {
    EXPECT_EQ(normalise("ÉSTÁ Niño CANSADA", {}).text, "esta nino cansada");
}

TEST(normaliser, drops_straight_and_curly_apostrophes_before_shorthand) {
    EXPECT_EQ(normalise("I’m fine, I don't know", shorthand).text, "i am fine , i do not know");
}

TEST(normaliser, keeps_sentence_punctuation_as_tokens) {
    EXPECT_EQ(normalise("ok... fine?!", {}).text, "ok . . . fine . .");
}

TEST(normaliser, cuts_stretched_letters_two_ways) {
    const auto n = normalise("sooooo tireddddd", {});
    EXPECT_EQ(n.text, "soo tiredd");
    EXPECT_EQ(n.squeezed, "so tired");
}

TEST(normaliser, leaves_squeezed_form_empty_when_nothing_was_stretched) {
    EXPECT_TRUE(normalise("good book", {}).squeezed.empty());
}

TEST(normaliser, expands_shorthand_words) {
    EXPECT_EQ(normalise("KMS", shorthand).text, "kill myself");
}

TEST(normaliser, rejoins_shorthand_typed_letter_by_letter) {
    EXPECT_EQ(normalise("k.m.s", shorthand).text, "kill myself");
    EXPECT_EQ(normalise("k m s tonight", shorthand).text, "kill myself tonight");
}

TEST(normaliser, leaves_other_single_letters_alone) {
    EXPECT_EQ(normalise("a b c", shorthand).text, "a b c");
}

TEST(normaliser, expands_shorthand_after_squeezing) {
    EXPECT_EQ(normalise("kmssss", shorthand).squeezed, "kill myself");
}

TEST(normaliser, turns_the_pill_emoji_into_a_word) {
    EXPECT_EQ(normalise("took them 💊💊", {}).text, "took them emojipill emojipill");
}

TEST(normaliser, ignores_variation_selectors_and_skin_tones) {
    EXPECT_EQ(normalise("ok\xEF\xB8\x8F \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", {}).text, "ok");
}

TEST(normaliser, turns_invalid_utf8_into_spaces_without_failing) {
    EXPECT_EQ(normalise(std::string("bad\xC3\x28\xFF"
                                    "byte\xE2\x82",
                                    12),
                        {})
                  .text,
              "bad byte");
}

TEST(normaliser, cuts_very_long_input_at_a_character_boundary) {
    std::string long_text(max_screened_bytes - 1, 'a');
    long_text += "é and more";
    const auto n = normalise(long_text, {});
    EXPECT_LE(n.text.size(), max_screened_bytes);
    EXPECT_EQ(n.text.find(' '), std::string::npos);
}

TEST(normaliser, shorthand_table_keeps_the_first_definition_of_a_key) {
    const shorthand_table t({{"x", "first"}, {"x", "second"}});
    EXPECT_EQ(t.find("x"), "first");
    EXPECT_EQ(t.size(), 1u);
    EXPECT_TRUE(t.find("y").empty());
}

} // namespace
} // namespace heregoes::safety
