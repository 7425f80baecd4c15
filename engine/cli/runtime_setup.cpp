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

} // namespace heregoes::cli
