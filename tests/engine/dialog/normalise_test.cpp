// The matching normaliser (engine/dialog/normalise.hpp).

#include "engine/dialog/normalise.hpp"

#include <gtest/gtest.h>

namespace heregoes::dialog {
namespace {

std::string norm(std::string_view s) {
    std::string out;
    normalise_for_matching(s, out);
    return out;
}

TEST(normalise, lower_cases_ascii_and_common_unicode_letters) {
    EXPECT_EQ(norm("Will My THERAPIST"), "will my therapist");
    EXPECT_EQ(norm("ÉL ESTÁ AQUÍ, ÑANDÚ"), "él está aquí, ñandú");
    EXPECT_EQ(norm("ŁÓDŹ ΑΘΗΝΑ МОСКВА"), "łódź αθηνα москва");
}

TEST(normalise, straightens_curly_quotes_and_apostrophes) {
    EXPECT_EQ(norm("I\u2019m \u201cscared\u201d"), "i'm \"scared\"");
}

TEST(normalise, folds_and_trims_whitespace) {
    EXPECT_EQ(norm("  a \t\n b\u00a0\u2003c  "), "a b c");
}

TEST(normalise, replaces_invalid_utf8_and_never_reads_past_the_end) {
    EXPECT_EQ(norm(std::string("a\xff") + "b"), "a\uFFFDb");
    EXPECT_EQ(norm(std::string("a\xe2\x80")), "a\uFFFD\uFFFD");
}

TEST(normalise, looks_at_no_more_than_the_matching_bound) {
    EXPECT_EQ(norm(std::string(max_match_bytes + 100, 'a')).size(), max_match_bytes);
}

TEST(normalise, cuts_at_character_boundaries) {
    EXPECT_EQ(cut_to_characters("ñandú", 2), "ña");
    EXPECT_EQ(count_characters("ñandú"), 5u);
    EXPECT_EQ(cut_to_characters("ab", 10), "ab");
}

} // namespace
} // namespace heregoes::dialog
