// Loads a walk file with nlohmann/json. Exceptions from the parser are caught here, at the parse
// boundary, and become errors naming the file; frames are serialized once so a running session
// only ever sends bytes it already has.

#include "tests/bench/load/walk.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace heregoes::bench {

heregoes::expected<walk> load_walk(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        return fail("walk_unreadable", "cannot open the walk file", path);
    }
    std::stringstream text;
    text << in.rdbuf();
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text.str());
    } catch (const nlohmann::json::parse_error& e) {
        return fail(
            "walk_syntax", std::string("the walk file is not valid JSON: ") + e.what(), path);
    }
    if (!doc.is_object()) {
        return fail("walk_shape", "a walk file is one JSON object", path + "#");
    }
    nlohmann::json start = {{"type", "start"}};
    for (const char* key : {"dialog", "locale"}) {
        if (doc.contains(key)) {
            if (!doc[key].is_string()) {
                return fail(
                    "walk_shape", std::string(key) + " must be a string", path + "#/" + key);
            }
            start[key] = doc[key];
        }
    }
    if (!doc.contains("turns") || !doc["turns"].is_array()) {
        return fail("walk_shape", "turns must be an array of client frames", path + "#/turns");
    }
    walk result;
    result.start_frame = start.dump();
    result.restart_frame = nlohmann::json{{"type", "restart"}}.dump();
    for (std::size_t i = 0; i < doc["turns"].size(); ++i) {
        const auto& turn = doc["turns"][i];
        if (!turn.is_object() || !turn.contains("type") || !turn["type"].is_string()) {
            return fail("walk_shape",
                        "each turn is a frame object with a string \"type\"",
                        path + "#/turns/" + std::to_string(i));
        }
        result.turns.push_back(turn.dump());
    }
    return result;
}

} // namespace heregoes::bench
