// Tests of crisis resources as configuration: review dates (refusal when expired, the explicit
// override, the 30-day lint warning), the parse errors, and the warnings of clinical.md §6.2 held
// by the shipped data.

#include "engine/safety/crisis_resources.hpp"
#include "tests/engine/safety/test_data.hpp"

#include <gtest/gtest.h>

namespace heregoes::safety {
namespace {

// A resources file with one region "XX": an emergency entry due for review on `review_by` and a
// crisis line with the given confidence marker.
std::string one_region(const std::string& review_by,
                       const std::string& line_confidence = "primary") {
    return R"({"schema_version":1,"regions":{"XX":{"entries":[
      {"id":"xx.emergency","role":"emergency","service":"Emergency","contacts":[{"kind":"call","value":"123"}],
       "confidence":"primary","source_url":"https://example.org/emergency","last_verified":"2026-01-01",
       "review_by":")" +
           review_by + R"("},
      {"id":"xx.line","role":"crisis","service":"Line","contacts":[{"kind":"text","value":"456"}],
       "confidence":")" +
           line_confidence + R"(","source_url":"https://example.org/line",
       "last_verified":"2026-01-01","review_by":"2027-06-01"}]}}})";
}

TEST(civil_date, parses_and_prints_iso_dates) {
    const auto d = civil_date::parse("2027-02-25");
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->to_string(), "2027-02-25");
    EXPECT_FALSE(civil_date::parse("2027-02-30").has_value());
    EXPECT_FALSE(civil_date::parse("27-02-25").has_value());
}

TEST(civil_date, adds_days_across_months_and_leap_years) {
    EXPECT_EQ((civil_date{2028, 2, 28}.plus_days(1)), (civil_date{2028, 2, 29}));
    EXPECT_EQ((civil_date{2026, 12, 31}.plus_days(30)), (civil_date{2027, 1, 30}));
    EXPECT_EQ((civil_date{2027, 1, 30}.plus_days(-30)), (civil_date{2026, 12, 31}));
}

TEST(resources, an_entry_past_its_review_date_refuses_the_region) {
    const auto catalog = parse_resources(one_region("2026-06-01"), "test.json");
    ASSERT_TRUE(catalog) << catalog.error().to_string();
    const auto region = select_region(*catalog, "XX", {2026, 6, 2}, false);
    ASSERT_FALSE(region);
    EXPECT_EQ(region.error().code, "resource_expired");
    EXPECT_NE(region.error().where.find("test.json#/regions/XX/entries/0/review_by"),
              std::string::npos);
}

TEST(resources, the_explicit_override_accepts_an_expired_entry) {
    const auto catalog = parse_resources(one_region("2026-06-01"), "test.json");
    ASSERT_TRUE(catalog);
    EXPECT_TRUE(select_region(*catalog, "XX", {2026, 6, 2}, true));
}

TEST(resources, an_entry_due_on_today_is_still_valid) {
    const auto catalog = parse_resources(one_region("2026-06-01"), "test.json");
    ASSERT_TRUE(catalog);
    EXPECT_TRUE(select_region(*catalog, "XX", {2026, 6, 1}, false));
}

TEST(resources, review_warns_within_thirty_days) {
    const auto catalog = parse_resources(one_region("2026-06-30"), "test.json");
    ASSERT_TRUE(catalog);
    const auto soon = review_resources(catalog->regions[0], {2026, 5, 31});
    ASSERT_EQ(soon.size(), 1u);
    EXPECT_EQ(soon[0].code, "resource_review_soon");
    EXPECT_EQ(soon[0].level, diagnostic::severity::warning);
    EXPECT_TRUE(review_resources(catalog->regions[0], {2026, 5, 30}).empty());
}

TEST(resources, unconfirmed_entries_warn_until_signed_off) {
    auto catalog = parse_resources(one_region("2027-06-01", "unconfirmed"), "test.json");
    ASSERT_TRUE(catalog) << catalog.error().to_string();
    const auto findings = review_resources(catalog->regions[0], {2026, 6, 1});
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].code, "resource_unconfirmed");
    catalog->regions[0].entries[1].signed_off_by = "Dr Example, 2026-06-01";
    EXPECT_TRUE(review_resources(catalog->regions[0], {2026, 6, 1}).empty());
}

TEST(resources, a_missing_source_url_is_an_error_with_its_place) {
    std::string text = one_region("2027-06-01");
    text.replace(text.find("\"source_url\""), std::string("\"source_url\"").size(), "\"src\"");
    const auto catalog = parse_resources(text, "test.json");
    ASSERT_FALSE(catalog);
    EXPECT_EQ(catalog.error().where, "test.json#/regions/XX/entries/0/source_url");
}

TEST(resources, an_unknown_region_names_the_known_ones) {
    const auto catalog = parse_resources(one_region("2027-06-01"), "test.json");
    ASSERT_TRUE(catalog);
    const auto region = select_region(*catalog, "ZZ", {2026, 6, 1}, false);
    ASSERT_FALSE(region);
    EXPECT_NE(region.error().message.find("XX"), std::string::npos);
}

TEST(resources, broken_json_is_an_error_not_a_crash) {
    EXPECT_FALSE(parse_resources("{\"regions\": [", "test.json"));
    EXPECT_FALSE(parse_resources("[]", "test.json"));
}

TEST(resources, load_gate_refuses_to_start_with_expired_shipped_resources) {
    auto options = testing::test_options("US");
    options.today = {2099, 1, 1};
    const auto gate = load_gate(options);
    ASSERT_FALSE(gate);
    EXPECT_EQ(gate.error().code, "resource_expired");
    options.allow_expired_resources = true;
    EXPECT_TRUE(load_gate(options));
}

class shipped_resources : public ::testing::Test {
protected:
    void SetUp() override {
        auto loaded = load_resources(testing::data_dir + "/resources.json");
        ASSERT_TRUE(loaded) << loaded.error().to_string();
        catalog_ = std::move(*loaded);
    }
    resource_catalog catalog_;
};

TEST_F(shipped_resources, cover_us_uk_ie_ca_and_a_fallback) {
    for (const char* region : {"US", "UK", "IE", "CA", "fallback"}) {
        EXPECT_NE(catalog_.find(region), nullptr) << region;
    }
}

TEST_F(shipped_resources, samaritans_has_no_text_contact) {
    for (const auto& region : catalog_.regions) {
        for (const auto& e : region.entries) {
            if (e.service.find("Samaritans") != std::string::npos) {
                for (const auto& c : e.contacts) {
                    EXPECT_NE(c.kind, "text") << e.id;
                }
            }
        }
    }
}

TEST_F(shipped_resources, nspcc_states_no_hours) {
    for (const auto& e : catalog_.find("UK")->entries) {
        if (e.service.find("NSPCC") != std::string::npos) {
            EXPECT_TRUE(e.hours.empty());
        }
    }
}

TEST_F(shipped_resources, no_988_press_3) {
    for (const auto& region : catalog_.regions) {
        for (const auto& e : region.entries) {
            EXPECT_EQ(e.service.find("Press 3"), std::string::npos);
            EXPECT_EQ(e.service.find("LGBTQ"), std::string::npos);
        }
    }
}

} // namespace
} // namespace heregoes::safety
