// Locale and variable checks of `heregoes lint`; see locale_checks.hpp.

#include "engine/lint/locale_checks.hpp"

#include "engine/dialog/intent_pattern.hpp"

#include <map>

namespace heregoes::lint {
namespace {

using dialog::model;

std::string ticked(std::string_view id) {
    return "`" + std::string(id) + "`";
}

std::string placeholder_list(const std::set<std::string>& names) {
    if (names.empty()) {
        return "none";
    }
    std::string out;
    for (const auto& n : names) {
        out += (out.empty() ? "" : ", ") + ("{{" + n + "}}");
    }
    return out;
}

// The locales to check, as their loaded strings, in the order of "locales".
std::vector<const dialog::locale_strings*> checked_locales(const model& m,
                                                           const std::set<std::string>& skip) {
    std::vector<const dialog::locale_strings*> out;
    for (const auto& locale : m.locales) {
        if (skip.count(locale) != 0) {
            continue;
        }
        if (const auto* ls = m.find_locale(locale); ls != nullptr) {
            out.push_back(ls);
        }
    }
    return out;
}

} // namespace

void check_texts(const model& m, const std::set<std::string>& skip, std::vector<diagnostic>& out) {
    const auto locales = checked_locales(m, skip);
    const std::string file = m.file.string();
    std::map<std::string, const dialog::text_use*, std::less<>> first_use;
    const auto uses = dialog::text_uses(m);
    for (const auto& use : uses) {
        first_use.emplace(use.text_id, &use);
    }
    for (const auto& [id, use] : first_use) {
        const dialog::locale_strings* reference = nullptr; // first locale that has the text
        std::set<std::string> reference_names;
        for (const auto* ls : locales) {
            const auto it = ls->strings.find(id);
            if (it == ls->strings.end()) {
                out.push_back({severity::error,
                               "missing_text",
                               "text " + ticked(id) + " is used here but missing from the " +
                                   ticked(ls->locale) + " strings (" + ls->file.string() + ")",
                               place(file, use->pointer)});
                continue;
            }
            const std::set<std::string> names(it->second.placeholders.begin(),
                                              it->second.placeholders.end());
            if (reference == nullptr) {
                reference = ls;
                reference_names = names;
            } else if (names != reference_names) {
                out.push_back({severity::error,
                               "placeholder_mismatch",
                               "text " + ticked(id) + " has placeholders " +
                                   placeholder_list(names) + " in " + ticked(ls->locale) + " but " +
                                   placeholder_list(reference_names) + " in " +
                                   ticked(reference->locale) + "; every locale must use the same",
                               place(ls->file.string(), it->second.pointer)});
            }
        }
    }
    for (const auto* ls : locales) {
        for (const auto& [id, entry] : ls->strings) {
            if (first_use.find(id) == first_use.end()) {
                out.push_back(
                    {severity::warning,
                     "unused_text",
                     "text " + ticked(id) + " is not used by any state of dialog " + ticked(m.id),
                     place(ls->file.string(), entry.pointer)});
            }
        }
    }
}

void check_intents(const model& m,
                   const std::set<std::string>& skip,
                   std::vector<diagnostic>& out) {
    const auto locales = checked_locales(m, skip);
    const std::string file = m.file.string();
    std::map<std::string, const dialog::intent_use*, std::less<>> first_use;
    const auto uses = dialog::intent_uses(m);
    for (const auto& use : uses) {
        first_use.emplace(use.intent, &use);
    }
    for (const auto& [id, use] : first_use) {
        for (const auto* ls : locales) {
            if (ls->intents.find(id) == ls->intents.end()) {
                out.push_back({severity::error,
                               "missing_intent",
                               "intent " + ticked(id) +
                                   " is used here but has no patterns in the " +
                                   ticked(ls->locale) + " strings (" + ls->file.string() + ")",
                               place(file, use->pointer)});
            }
        }
    }
    for (const auto* ls : locales) {
        for (const auto& [id, intent] : ls->intents) {
            if (first_use.find(id) == first_use.end()) {
                out.push_back({severity::warning,
                               "unused_intent",
                               "intent " + ticked(id) +
                                   " is not used by any state or route of "
                                   "dialog " +
                                   ticked(m.id),
                               place(ls->file.string(), intent.pointer)});
            }
            for (const auto& pattern : intent.patterns) {
                // Checked the way the runtime compiles it (intent_pattern.hpp).
                if (const auto problem = dialog::check_intent_pattern(pattern.source)) {
                    out.push_back({severity::error,
                                   "bad_regex",
                                   "re2 rejects pattern " + ticked(pattern.source) + " of intent " +
                                       ticked(id) + " in locale " + ticked(ls->locale) + ": " +
                                       *problem,
                                   place(ls->file.string(), pattern.pointer)});
                }
            }
        }
    }
}

void check_variables(const model& m,
                     const std::set<std::string>& skip,
                     std::vector<diagnostic>& out) {
    const std::string file = m.file.string();
    std::set<std::string, std::less<>> written; // set or captured somewhere
    std::set<std::string, std::less<>> used;
    for (const auto& use : dialog::variable_uses(m)) {
        used.insert(use.variable);
        const auto* decl = m.find_variable(use.variable);
        if (decl == nullptr) {
            if (use.variable != dialog::in_call_name) {
                out.push_back({severity::error,
                               "unknown_variable",
                               "variable " + ticked(use.variable) +
                                   " is not declared; add it to \"variables\"",
                               place(file, use.pointer)});
            }
            continue;
        }
        if (use.kind != dialog::variable_use::kind::test) {
            written.insert(use.variable);
            if (decl->from_deployment) {
                out.push_back({severity::error,
                               "read_only_variable",
                               "variable " + ticked(use.variable) +
                                   " comes from the deployment and cannot be set or captured "
                                   "by the dialog",
                               place(file, use.pointer)});
            }
        }
    }
    const auto locales = checked_locales(m, skip);
    std::set<std::string, std::less<>> graph_texts;
    for (const auto& use : dialog::text_uses(m)) {
        graph_texts.insert(use.text_id);
    }
    std::set<std::string, std::less<>> warned_unset;
    for (const auto* ls : locales) {
        for (const auto& [id, entry] : ls->strings) {
            for (const auto& name : entry.placeholders) {
                used.insert(name);
                const auto* decl = m.find_variable(name);
                if (decl == nullptr) {
                    out.push_back({severity::error,
                                   "unknown_variable",
                                   "text " + ticked(id) + " shows {{" + name +
                                       "}}, which is not a declared variable of dialog " +
                                       ticked(m.id),
                                   place(ls->file.string(), entry.pointer)});
                } else if (!decl->from_deployment && written.count(name) == 0 &&
                           graph_texts.count(id) != 0 && warned_unset.insert(name).second) {
                    out.push_back({severity::warning,
                                   "variable_never_set",
                                   "text " + ticked(id) + " shows {{" + name +
                                       "}}, but no state sets or captures it, so it always "
                                       "renders empty",
                                   place(ls->file.string(), entry.pointer)});
                }
            }
        }
    }
    for (const auto& v : m.variables) {
        if (used.count(v.name) == 0) {
            out.push_back({severity::warning,
                           "unused_variable",
                           "variable " + ticked(v.name) +
                               " is declared but no state, condition or string uses it",
                           place(file, v.pointer)});
        }
    }
}

} // namespace heregoes::lint
