#pragma once

// Reads the labelled corpus files of tests/engine/safety/corpus/<locale>/. A line is one case:
// optional "<label> | " then one or more messages separated by " || ". Lines starting with '#'
// and blank lines are skipped. The corpus is synthetic; it holds no real person's words.

#include <fstream>
#include <string>
#include <vector>

namespace heregoes::safety::testing {

// Longest label a line may start with ("third_party"); a " | " further in is part of a message.
inline constexpr std::size_t max_label_length = 12;

struct corpus_case {
    std::string label; // "check", "crisis", "third_party", "none", or empty
    std::vector<std::string> messages;
    int line = 0;
};

inline std::vector<corpus_case> read_corpus(const std::string& path) {
    std::vector<corpus_case> out;
    std::ifstream in(path);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty() || line[0] == '#') {
            continue;
        }
        corpus_case c;
        c.line = number;
        const auto bar = line.find(" | ");
        std::string rest = line;
        if (bar != std::string::npos && bar <= max_label_length) {
            c.label = line.substr(0, bar);
            rest = line.substr(bar + 3);
        }
        std::size_t start = 0;
        while (true) {
            const auto sep = rest.find(" || ", start);
            c.messages.push_back(
                rest.substr(start, sep == std::string::npos ? std::string::npos : sep - start));
            if (sep == std::string::npos) {
                break;
            }
            start = sep + 4;
        }
        out.push_back(std::move(c));
    }
    return out;
}

} // namespace heregoes::safety::testing
