// Dialog sets (engine/dialog/dialog_set.hpp): loading a directory, versions kept across a reload.

#include "engine/dialog/dialog_set.hpp"
#include "tests/engine/dialog/dialog_text.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace heregoes::dialog {
namespace {

using testing::compile_text;
using testing::edited;
using testing::minimal_graph;
using testing::minimal_strings;

void write(const std::filesystem::path& p, const std::string& text) {
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
}

class dialog_set_test : public ::testing::Test {
protected:
    void SetUp() override {
        dir = std::filesystem::temp_directory_path() /
              ("heregoes-dialog-set-" +
               std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir);
        write(dir / "mini.json", minimal_graph);
        write(dir / "strings" / "en" / "mini.json", minimal_strings);
        write(dir / "dialog.schema.json", "{ \"not\": \"a graph\" }");
    }
    void TearDown() override { std::filesystem::remove_all(dir); }

    std::filesystem::path dir;
};

TEST_F(dialog_set_test, loads_every_graph_and_skips_schema_files) {
    const set_load_result r = dialog_set::load_directory(dir, load_options{});
    EXPECT_TRUE(r.diagnostics.empty())
        << (r.diagnostics.empty() ? "" : r.diagnostics[0].to_string());
    EXPECT_EQ(r.set->ids(), std::vector<std::string>{"mini"});
    EXPECT_NE(r.set->latest("mini"), nullptr);
    EXPECT_NE(r.set->find("mini", 1), nullptr);
    EXPECT_EQ(r.set->find("mini", 2), nullptr);
    EXPECT_EQ(r.set->latest("other"), nullptr);
}

TEST_F(dialog_set_test, a_broken_graph_is_reported_and_the_rest_still_load) {
    write(dir / "broken.json", "{ \"id\": ");
    const set_load_result r = dialog_set::load_directory(dir, load_options{});
    ASSERT_EQ(r.diagnostics.size(), 1u);
    EXPECT_EQ(r.diagnostics[0].code, "json_syntax");
    EXPECT_NE(r.set->latest("mini"), nullptr);
}

TEST_F(dialog_set_test, a_reload_keeps_old_versions_and_adds_new_ones) {
    const auto first = dialog_set::load_directory(dir, load_options{}).set;
    write(dir / "mini.json", edited(minimal_graph, "\"version\": 1", "\"version\": 2"));
    const auto reloaded = dialog_set::load_directory(dir, load_options{}).set;
    const auto merged = first->merged_with(*reloaded);
    EXPECT_EQ(merged->size(), 2u);
    EXPECT_EQ(merged->latest("mini")->version(), 2u);
    EXPECT_NE(merged->find("mini", 1), nullptr);
}

TEST_F(dialog_set_test, a_changed_graph_without_a_new_version_keeps_the_loaded_one) {
    const auto first = dialog_set::load_directory(dir, load_options{}).set;
    write(dir / "mini.json",
          edited(minimal_graph,
                 "\"states\": {",
                 "\"states\": { \"extra\": { \"topic\": \"menu\", \"next\": \"hello\" },"));
    const auto reloaded = dialog_set::load_directory(dir, load_options{}).set;
    std::vector<error> problems;
    const auto merged = first->merged_with(*reloaded, &problems);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].code, "version_not_bumped");
    EXPECT_EQ(merged->find("mini", 1), first->find("mini", 1));
}

TEST_F(dialog_set_test, a_strings_fix_without_a_graph_change_takes_effect) {
    const auto first = dialog_set::load_directory(dir, load_options{}).set;
    write(dir / "strings" / "en" / "mini.json", edited(minimal_strings, "Goodbye.", "Take care."));
    const auto reloaded = dialog_set::load_directory(dir, load_options{}).set;
    const auto merged = first->merged_with(*reloaded);
    EXPECT_EQ(merged->find("mini", 1), reloaded->find("mini", 1));
}

TEST_F(dialog_set_test, a_duplicate_version_in_two_files_is_reported) {
    write(dir / "mini-copy.json", minimal_graph);
    const set_load_result r = dialog_set::load_directory(dir, load_options{});
    ASSERT_EQ(r.diagnostics.size(), 1u);
    EXPECT_EQ(r.diagnostics[0].code, "duplicate_dialog");
}

} // namespace
} // namespace heregoes::dialog
