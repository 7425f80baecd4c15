// Loading and compiling a pattern pack (see pattern_pack.hpp). The JSON is read with the bounded
// parser every safety data file uses (engine/safety/data_file.hpp), fragments are expanded into
// each pattern (engine/safety/pattern_fragments.hpp), and every pattern is first compiled on its
// own so an error names its exact place (file#/categories/self_harm/3) before the combined forms
// are built.

#include "engine/safety/pattern_pack.hpp"

#include "engine/safety/data_file.hpp"
#include "engine/safety/pattern_fragments.hpp"

#include <nlohmann/json.hpp>

namespace heregoes::safety {
namespace {

using json = nlohmann::json;

// How the data-file reader names a pack, the code of its shape errors, and its limits.
constexpr data_file_kind pack_file{"the pattern pack", "bad_pack", 1, max_pack_file_bytes};

// A pattern that can never match, standing in for a pack with no guards at all.
constexpr std::string_view never_matches = "\\b\\B";

std::string pointer(std::string_view where, std::string_view json_pointer) {
    return std::string(where) + "#" + std::string(json_pointer);
}

// " after expanding {someone}, {says_that}" for a pattern that used fragments, so an error the
// expansion caused points at the fragment as well as the pattern; empty otherwise.
std::string expansion_note(const expanded_pattern& pattern) {
    std::string note;
    for (const auto& name : pattern.fragments) {
        note += (note.empty() ? " after expanding {" : ", {") + name + "}";
    }
    return note;
}

// Checks one expanded pattern on its own: it must compile and must not capture (a capture would
// make RE2 run its slow NFA on every guarded span to fill it in).
expected<void> check_pattern(const expanded_pattern& expanded, const std::string& place) {
    const std::string& pattern = expanded.text;
    if (pattern.empty()) {
        return fail("bad_regex", "the pattern is empty; remove it or write one", place);
    }
    const std::string note = expansion_note(expanded);
    RE2 re(pattern, pack_regex_options());
    if (!re.ok()) {
        return fail("bad_regex", "the pattern does not compile" + note + ": " + re.error(), place);
    }
    if (re.NumberOfCapturingGroups() != 0) {
        return fail("bad_regex",
                    "the pattern has a capturing group" + note + "; write (?:...) instead of (...)",
                    place);
    }
    if (re.Match("", 0, 0, RE2::UNANCHORED, nullptr, 0)) {
        return fail("bad_regex",
                    "the pattern matches empty text" + note + ", so it would match everything",
                    place);
    }
    return {};
}

// A list of patterns at `place`, each with its fragment references expanded and checked.
expected<std::vector<std::string>>
string_list(const json& node, const std::string& place, fragment_table& fragments) {
    if (!node.is_array()) {
        return fail("bad_pack", "expected a list of pattern strings", place);
    }
    std::vector<std::string> out;
    for (std::size_t i = 0; i < node.size(); ++i) {
        const std::string item_place = place + "/" + std::to_string(i);
        if (!node[i].is_string()) {
            return fail("bad_pack", "expected a pattern string", item_place);
        }
        auto expanded = fragments.expand(node[i].get_ref<const std::string&>(), item_place);
        if (!expanded) {
            return expanded.error();
        }
        if (auto ok = check_pattern(*expanded, item_place); !ok) {
            return ok.error();
        }
        out.push_back(std::move(expanded->text));
    }
    return out;
}

std::string alternation(const std::vector<std::string>& patterns) {
    if (patterns.empty()) {
        return std::string(never_matches);
    }
    std::string out;
    for (const auto& p : patterns) {
        if (!out.empty()) {
            out += '|';
        }
        out += "(?:" + p + ")";
    }
    return out;
}

} // namespace

expected<std::unique_ptr<pattern_pack>> pattern_pack::parse(std::string_view json_text,
                                                            std::string_view where) {
    auto parsed = parse_data_file(json_text, std::string(where), pack_file);
    if (!parsed) {
        return parsed.error();
    }
    const json& doc = *parsed;
    std::unique_ptr<pattern_pack> pack(new pattern_pack());

    // Fragments first: every pattern list below expands them.
    fragment_table fragments;
    if (const auto node = doc.find("fragments"); node != doc.end()) {
        auto table = fragment_table::parse(*node, pointer(where, "/fragments"));
        if (!table) {
            return table.error();
        }
        fragments = std::move(*table);
    }

    const auto locale = doc.find("locale");
    if (locale == doc.end() || !locale->is_string() || locale->get<std::string>().empty()) {
        return fail("bad_pack",
                    "locale must name the pack's locale, e.g. \"en\"",
                    pointer(where, "/locale"));
    }
    pack->locale_ = locale->get<std::string>();

    // Shorthand: word -> replacement, both already in normalised form.
    std::vector<std::pair<std::string, std::string>> shorthand;
    if (const auto sh = doc.find("shorthand"); sh != doc.end()) {
        if (!sh->is_object()) {
            return fail("bad_pack",
                        "shorthand must map words to replacements",
                        pointer(where, "/shorthand"));
        }
        for (const auto& [key, value] : sh->items()) {
            if (!value.is_string() || key.empty() || key.find(' ') != std::string::npos) {
                return fail("bad_pack",
                            "a shorthand key is one word and its value a string",
                            pointer(where, "/shorthand/" + key));
            }
            shorthand.emplace_back(key, value.get<std::string>());
        }
    }
    pack->shorthand_ = shorthand_table(std::move(shorthand));

    // Guards: each kind compiled on its own, and all of them as one alternation in guard_kind
    // order, so where two start at the same word the earlier kind wins.
    const auto guards = doc.find("guards");
    if (guards == doc.end() || !guards->is_object()) {
        return fail("bad_pack",
                    "guards must be an object with idiom, negation, informational and "
                    "optionally someone_else",
                    pointer(where, "/guards"));
    }
    std::string combined;
    const auto add_part = [&](const std::vector<std::string>& list,
                              guard_kind kind,
                              risk_category category,
                              const std::string& place) -> expected<void> {
        if (list.empty()) {
            return {};
        }
        const std::string alternatives = alternation(list);
        auto part = std::make_unique<RE2>(alternatives, pack_regex_options());
        if (!part->ok()) {
            return fail("bad_regex", "the guards do not compile together: " + part->error(), place);
        }
        pack->guard_parts_.push_back({std::move(part), kind, category});
        combined += (combined.empty() ? "" : "|") + alternatives;
        return {};
    };
    for (const auto& [name, kind] : {std::pair{"idiom", guard_kind::idiom},
                                     std::pair{"negation", guard_kind::negation},
                                     std::pair{"informational", guard_kind::informational}}) {
        const auto node = guards->find(name);
        if (node == guards->end()) {
            continue;
        }
        const std::string place = pointer(where, std::string("/guards/") + name);
        auto list = string_list(*node, place, fragments);
        if (!list) {
            return list.error();
        }
        if (auto added = add_part(*list, kind, risk_category::third_party_self_harm, place);
            !added) {
            return added.error();
        }
    }
    // Reports about someone else: category -> patterns, one part per category.
    if (const auto node = guards->find("someone_else"); node != guards->end()) {
        const std::string place = pointer(where, "/guards/someone_else");
        if (!node->is_object()) {
            return fail("bad_pack",
                        "someone_else must map categories about another person to patterns",
                        place);
        }
        for (const auto& [name, patterns] : node->items()) {
            const auto category = risk_category_from_string(name);
            if (!category || !is_about_someone_else(*category)) {
                return fail("bad_pack",
                            "someone_else names \"" + name +
                                "\"; it may only name a category about someone else at risk "
                                "(third_party_self_harm, third_party_child, third_party_abuse, "
                                "third_party_threat, elder_abuse)",
                            place + "/" + name);
            }
            auto list = string_list(patterns, place + "/" + name, fragments);
            if (!list) {
                return list.error();
            }
            if (auto added =
                    add_part(*list, guard_kind::someone_else, *category, place + "/" + name);
                !added) {
                return added.error();
            }
        }
    }
    pack->guards_ = std::make_unique<RE2>(combined.empty() ? std::string(never_matches) : combined,
                                          pack_regex_options());
    if (!pack->guards_->ok()) {
        return fail("bad_regex",
                    "the guards do not compile together: " + pack->guards_->error(),
                    pointer(where, "/guards"));
    }

    // Answers to the check question, matched against the whole reply.
    const auto answers = doc.find("answers");
    if (answers == doc.end() || !answers->is_object()) {
        return fail("bad_pack",
                    "answers must hold the yes and no replies to the check question",
                    pointer(where, "/answers"));
    }
    for (auto [kind, target] :
         {std::pair{"yes", &pack->answer_yes_}, std::pair{"no", &pack->answer_no_}}) {
        const auto node = answers->find(kind);
        if (node == answers->end()) {
            return fail("bad_pack",
                        std::string("answers needs a \"") + kind + "\" list",
                        pointer(where, "/answers"));
        }
        auto list = string_list(*node, pointer(where, std::string("/answers/") + kind), fragments);
        if (!list) {
            return list.error();
        }
        // A reply may end with punctuation tokens ("yes ." after normalising "yes.").
        *target =
            std::make_unique<RE2>("(?:" + alternation(*list) + ")(?: [.,])*", pack_regex_options());
        if (!(*target)->ok()) {
            return fail("bad_regex",
                        "the answers do not compile together: " + (*target)->error(),
                        pointer(where, std::string("/answers/") + kind));
        }
    }

    // Risk patterns, one set entry per pattern.
    const auto categories = doc.find("categories");
    if (categories == doc.end() || !categories->is_object() || categories->empty()) {
        return fail("bad_pack",
                    "categories must map category names to pattern lists",
                    pointer(where, "/categories"));
    }
    pack->risks_ = std::make_unique<RE2::Set>(pack_regex_options(), RE2::UNANCHORED);
    for (const auto& [name, node] : categories->items()) {
        const std::string place = pointer(where, "/categories/" + name);
        const auto category = risk_category_from_string(name);
        if (!category) {
            return fail("bad_pack", "unknown category \"" + name + "\"", place);
        }
        auto list = string_list(node, place, fragments);
        if (!list) {
            return list.error();
        }
        for (std::size_t i = 0; i < list->size(); ++i) {
            std::string error;
            if (pack->risks_->Add((*list)[i], &error) < 0) {
                return fail("bad_regex",
                            "the pattern does not compile: " + error,
                            place + "/" + std::to_string(i));
            }
            pack->category_of_.push_back(*category);
        }
    }
    if (!pack->risks_->Compile()) {
        return fail("bad_regex",
                    "the risk patterns are too large to compile together",
                    pointer(where, "/categories"));
    }
    if (auto all_used = fragments.check_all_used(); !all_used) {
        return all_used.error();
    }
    return pack;
}

pattern_pack::answer pattern_pack::classify_answer(std::string_view normalised) const {
    if (RE2::FullMatch(normalised, *answer_yes_)) {
        return answer::yes;
    }
    if (RE2::FullMatch(normalised, *answer_no_)) {
        return answer::no;
    }
    return answer::other;
}

expected<std::unique_ptr<pattern_pack>> pattern_pack::load_file(const std::string& path) {
    auto text = read_data_file(path, pack_file);
    if (!text) {
        return text.error();
    }
    return parse(*text, path);
}

} // namespace heregoes::safety
