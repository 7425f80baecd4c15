// Building the runtime for `chat` and `test`; see runtime_setup.hpp.

#include "engine/cli/runtime_setup.hpp"

#include <chrono>
#include <filesystem>

namespace heregoes::cli {

safety::civil_date today_utc() {
    const auto now = std::chrono::system_clock::now();
    const auto days = std::chrono::floor<std::chrono::days>(now).time_since_epoch().count();
    return safety::civil_date{}.plus_days(days);
}

expected<safety::civil_date> parse_today(const std::string& text) {
    if (auto date = safety::civil_date::parse(text)) {
        return *date;
    }
    return fail("usage", "--today must be a date written YYYY-MM-DD, got `" + text + "`");
}

namespace {

// Loads the safety gate from `safety_dir` for `region`, as of `today`.
expected<std::unique_ptr<safety::screening_gate>> load_safety_gate(const std::string& safety_dir,
                                                                   const std::string& region,
                                                                   safety::civil_date today) {
    std::error_code ec;
    if (!std::filesystem::is_directory(safety_dir, ec)) {
        return fail("safety_data_missing",
                    "the safety data folder does not exist; pass --safety DIR (it holds "
                    "patterns/, messages/ and resources.json)",
                    safety_dir);
    }
    safety::gate_options options;
    options.data_dir = safety_dir;
    options.region = region;
    options.today = today;
    return safety::load_gate(options);
}

// Loads every dialog in `dialogs_dir`; problems of dialogs that did not load are printed on `err`
// (the others still run). An error when the folder does not exist.
expected<std::shared_ptr<const dialog::dialog_set>> load_dialogs(const std::string& dialogs_dir,
                                                                 std::ostream& err) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dialogs_dir, ec)) {
        return fail("dialogs_missing",
                    "the dialogs folder does not exist; pass --dialogs DIR",
                    dialogs_dir);
    }
    auto loaded = dialog::dialog_set::load_directory(dialogs_dir, dialog::load_options{});
    for (const auto& e : loaded.diagnostics) {
        err << e.to_string() << '\n';
    }
    return std::shared_ptr<const dialog::dialog_set>(loaded.set);
}

} // namespace

std::shared_ptr<const dialog::dialog_set>
load_command_dialogs(const command_spec& spec, const parsed_arguments& parsed, std::ostream& err) {
    auto dialogs = load_dialogs(dialogs_folder(parsed), err);
    if (!dialogs) {
        err << "heregoes " << spec.name << ": " << dialogs.error().to_string() << '\n';
        return nullptr;
    }
    return std::move(*dialogs);
}

std::unique_ptr<safety::screening_gate>
load_command_gate(const command_spec& spec, const parsed_arguments& parsed, std::ostream& err) {
    const std::string safety_dir = parsed.value_or(
        "safety", (std::filesystem::path(dialogs_folder(parsed)) / "safety").string());
    auto gate = load_safety_gate(safety_dir, parsed.value_or("region", "US"), today_utc());
    if (!gate) {
        err << "heregoes " << spec.name
            << ": cannot load the safety gate: " << gate.error().to_string() << '\n';
        return nullptr;
    }
    return std::move(*gate);
}

} // namespace heregoes::cli
