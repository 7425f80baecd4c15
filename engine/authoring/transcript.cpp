// Parses golden transcripts (docs/dialog-format.md, "Golden transcript tests"). Line-based: each
// line is one directive and its arguments. A '#' at the start of a line, or after whitespace,
// starts a comment; `\#` writes a literal '#' (so typed text can contain one).

#include "engine/authoring/transcript.hpp"

#include "engine/authoring/text_file.hpp"

#include <charconv>

namespace heregoes::authoring {
namespace {

// A line longer than this is not something a person wrote into a transcript.
constexpr std::size_t max_line_bytes = 4096;

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r';
}

// The line without its comment, with `\#` turned into '#'.
std::string strip_comment(std::string_view line) {
    std::string out;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (c == '\\' && i + 1 < line.size() && line[i + 1] == '#') {
            out.push_back('#');
            ++i;
            continue;
        }
        if (c == '#' && (i == 0 || is_space(line[i - 1]))) {
            break;
        }
        out.push_back(c);
    }
    while (!out.empty() && is_space(out.back())) {
        out.pop_back();
    }
    return out;
}

std::vector<std::string_view> split_words(std::string_view s) {
    std::vector<std::string_view> words;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && is_space(s[i])) {
            ++i;
        }
        const std::size_t begin = i;
        while (i < s.size() && !is_space(s[i])) {
            ++i;
        }
        if (i > begin) {
            words.push_back(s.substr(begin, i - begin));
        }
    }
    return words;
}

// Column (1-based) of `part` inside `line`; both views into the same buffer.
std::size_t column_of(std::string_view line, std::string_view part) {
    return static_cast<std::size_t>(part.data() - line.data()) + 1;
}

class parser {
public:
    parser(std::string_view file)
        : file_(file) {}

    expected<transcript> run(std::string_view text) {
        transcript t;
        t.file = std::string(file_);
        std::size_t line_no = 0;
        std::size_t pos = 0;
        while (pos <= text.size()) {
            std::size_t end = text.find('\n', pos);
            if (end == std::string_view::npos) {
                end = text.size();
            }
            ++line_no;
            const std::string_view raw = text.substr(pos, end - pos);
            pos = end + 1;
            if (raw.size() > max_line_bytes) {
                return error_at(
                    line_no, 1, "line is longer than " + std::to_string(max_line_bytes) + " bytes");
            }
            const std::string line = strip_comment(raw);
            auto r = directive(t, line, line_no);
            if (!r) {
                return r.error();
            }
            if (end == text.size()) {
                break;
            }
        }
        if (t.dialog_id.empty()) {
            return error_at(1, 1, "missing `dialog ID` line: a transcript must name its dialog");
        }
        return t;
    }

private:
    error error_at(std::size_t line, std::size_t column, std::string message) const {
        return fail("transcript_syntax",
                    std::move(message),
                    std::string(file_) + ":" + std::to_string(line) + ":" + std::to_string(column));
    }

    expected<void> header_allowed(const transcript& t,
                                  std::string_view line,
                                  std::string_view word,
                                  std::size_t line_no) const {
        if (!t.steps.empty()) {
            return error_at(line_no,
                            column_of(line, word),
                            "`" + std::string(word) +
                                "` belongs in the header, before the first bot/say/choose line");
        }
        return {};
    }

    expected<void> directive(transcript& t, const std::string& line_text, std::size_t line_no) {
        const std::string_view line = line_text;
        const auto words = split_words(line);
        if (words.empty()) {
            return {};
        }
        const std::string_view word = words[0];
        const auto col = [&](std::size_t i) {
            return column_of(line, words[i]);
        };
        const auto want_args = [&](std::size_t n, std::string_view usage) -> expected<void> {
            if (words.size() != n + 1) {
                return error_at(line_no, col(0), "expected `" + std::string(usage) + "`");
            }
            return {};
        };

        if (word == "dialog" || word == "locale" || word == "seed" || word == "start" ||
            word == "set" || word == "deploy") {
            if (auto ok = header_allowed(t, line, word, line_no); !ok) {
                return ok;
            }
        }
        if (word == "dialog") {
            if (auto ok = want_args(1, "dialog ID"); !ok) {
                return ok;
            }
            t.dialog_id = std::string(words[1]);
            t.dialog_line = line_no;
        } else if (word == "locale") {
            if (auto ok = want_args(1, "locale xx"); !ok) {
                return ok;
            }
            t.locale = std::string(words[1]);
        } else if (word == "seed") {
            if (auto ok = want_args(1, "seed N"); !ok) {
                return ok;
            }
            const std::string_view n = words[1];
            std::uint64_t seed = 0;
            const auto [p, ec] = std::from_chars(n.data(), n.data() + n.size(), seed);
            if (ec != std::errc{} || p != n.data() + n.size()) {
                return error_at(
                    line_no, col(1), "seed must be a whole number, got `" + std::string(n) + "`");
            }
            t.seed = seed;
        } else if (word == "start") {
            if (auto ok = want_args(1, "start STATE"); !ok) {
                return ok;
            }
            t.start_state = std::string(words[1]);
            t.start_line = line_no;
        } else if (word == "set" || word == "deploy") {
            const std::string usage = "expected `" + std::string(word) + " name=value`";
            if (words.size() < 2) {
                return error_at(line_no, col(0), usage);
            }
            // The value is the rest of the line after '=', so it may contain spaces.
            const std::string_view rest = line.substr(col(1) - 1);
            const std::size_t eq = rest.find('=');
            if (eq == std::string_view::npos || eq == 0) {
                return error_at(line_no, col(1), usage);
            }
            (word == "set" ? t.preset : t.deployment)
                .push_back(preset_variable{
                    std::string(rest.substr(0, eq)), std::string(rest.substr(eq + 1)), line_no});
        } else if (word == "bot") {
            if (words.size() != 2 && words.size() != 3) {
                return error_at(line_no, col(0), "expected `bot TEXT_ID [@topic]`");
            }
            transcript_step step;
            step.kind = transcript_step::kind::bot;
            step.line = line_no;
            step.value = std::string(words[1]);
            if (words.size() == 3) {
                const std::string_view at = words[2];
                if (at.size() < 2 || at[0] != '@') {
                    return error_at(line_no, col(2), "expected `@topic` after the text id");
                }
                step.topic = topic_from_string(at.substr(1));
                if (!step.topic) {
                    return error_at(line_no,
                                    col(2) + 1,
                                    "`" + std::string(at.substr(1)) +
                                        "` is not a topic (welcome about menu expect "
                                        "confidentiality minors judgment rehearsal trust "
                                        "practical crisis closing fallback)");
                }
            }
            t.steps.push_back(std::move(step));
        } else if (word == "choices") {
            transcript_step step;
            step.kind = transcript_step::kind::choices;
            step.line = line_no;
            for (std::size_t i = 1; i < words.size(); ++i) {
                step.ids.emplace_back(words[i]);
            }
            t.steps.push_back(std::move(step));
        } else if (word == "choose") {
            if (auto ok = want_args(1, "choose CHOICE_ID"); !ok) {
                return ok;
            }
            t.steps.push_back(transcript_step{
                transcript_step::kind::choose, line_no, std::string(words[1]), {}, {}});
        } else if (word == "say") {
            if (words.size() < 2) {
                return error_at(line_no, col(0), "expected `say TEXT` with the text to type");
            }
            t.steps.push_back(transcript_step{
                transcript_step::kind::say, line_no, std::string(line.substr(col(1) - 1)), {}, {}});
        } else if (word == "restart") {
            if (auto ok = want_args(0, "restart"); !ok) {
                return ok;
            }
            t.steps.push_back(transcript_step{transcript_step::kind::restart, line_no, {}, {}, {}});
        } else {
            return error_at(line_no,
                            col(0),
                            "unknown directive `" + std::string(word) +
                                "` (expected dialog, locale, seed, start, set, deploy, bot, "
                                "choices, choose, say or restart)");
        }
        return {};
    }

    std::string_view file_;
};

} // namespace

expected<transcript> parse_transcript(std::string_view text, std::string_view file) {
    return parser(file).run(text);
}

expected<transcript> load_transcript(const std::string& path) {
    auto bytes = read_text_file(path, max_transcript_bytes);
    if (!bytes) {
        return bytes.error();
    }
    return parse_transcript(*bytes, path);
}

} // namespace heregoes::authoring
