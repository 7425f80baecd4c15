#pragma once

// Small dialogs written inline for the runtime's tests: a minimal valid graph and strings file,
// and a helper that loads and compiles text without touching the disk.

#include "engine/dialog/dialog.hpp"
#include "engine/dialog/loader.hpp"

#include <map>
#include <memory>
#include <string>

namespace heregoes::dialog::testing {

// A two-state dialog, valid as written; tests edit copies of it to break one thing at a time.
inline const std::string minimal_graph = R"({
  "schema_version": 1,
  "id": "mini",
  "version": 1,
  "start": "hello",
  "states": {
    "hello": {
      "topic": "welcome",
      "say": ["hello.text"],
      "choices": [{ "id": "bye", "label": "hello.bye", "goto": "bye" }],
      "intents": [{ "intent": "greet", "goto": "hello" }]
    },
    "bye": { "topic": "closing", "say": ["bye.text"], "end": true }
  }
})";

inline const std::string minimal_strings = R"({
  "schema_version": 1,
  "dialog": "mini",
  "locale": "en",
  "strings": { "hello.text": "Hello.", "hello.bye": "Bye", "bye.text": "Goodbye." },
  "intents": { "greet": ["\\bhi\\b", "hello"] }
})";

// Loads a graph and its English strings from text.
inline load_result load_text(const std::string& graph,
                             const std::string& strings = minimal_strings) {
    return load_model_from_text(graph, "mini.json", {{"en", strings}});
}

// Loads and compiles; null (with the problems in `problems`) when anything is wrong.
inline std::shared_ptr<const dialog> compile_text(const std::string& graph,
                                                  const std::string& strings = minimal_strings,
                                                  std::vector<error>* problems = nullptr) {
    load_result loaded = load_text(graph, strings);
    if (!loaded.ok()) {
        if (problems != nullptr) {
            *problems = loaded.diagnostics;
        }
        return nullptr;
    }
    compile_result compiled = compile(std::move(*loaded.model), load_options{});
    if (problems != nullptr) {
        *problems = compiled.diagnostics;
    }
    return compiled.dialog;
}

// Replaces the first occurrence of `from` in `text` with `to`.
inline std::string edited(std::string text, const std::string& from, const std::string& to) {
    const auto pos = text.find(from);
    if (pos != std::string::npos) {
        text.replace(pos, from.size(), to);
    }
    return text;
}

} // namespace heregoes::dialog::testing
