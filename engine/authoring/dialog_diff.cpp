// Compares two versions of a dialog; see dialog_diff.hpp.

#include "engine/authoring/dialog_diff.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace heregoes::authoring {
namespace {

using text_map = std::map<std::string, std::string, std::less<>>;

// The text ids a graph shows, with their text in `locale` (ids the locale lacks map to "").
text_map visible_texts(const dialog::model& m, const std::string& locale, bool& has_locale) {
    text_map out;
    const auto* strings = m.find_locale(locale);
    has_locale = strings != nullptr;
    for (const auto& use : dialog::text_uses(m)) {
        std::string text;
        if (strings != nullptr) {
            if (const auto it = strings->strings.find(use.text_id); it != strings->strings.end()) {
                text = it->second.text;
            }
        }
        out.emplace(use.text_id, std::move(text));
    }
    return out;
}

// A state's observable shape: topic, messages, and edges, as one comparable string.
std::string state_signature(const dialog::model& m, const dialog::state_decl& s) {
    std::string sig = std::string(to_string(s.topic)) + "|";
    for (const auto& item : s.say) {
        sig += item.kind == dialog::say_item::kind::help_note ? "help_note" : "";
        for (const auto& id : item.text_ids) {
            sig += id + ",";
        }
        sig += (item.condition ? "if " + item.condition->text : "") + ";";
    }
    for (const auto& e : dialog::edges(m)) {
        if (e.from == s.id && e.kind != dialog::edge::kind::migrate) {
            sig += "|" + std::to_string(static_cast<int>(e.kind)) + ">" + e.to;
        }
    }
    for (const auto& c : s.choices) {
        sig += "|choice " + c.id + " " + c.label + (c.condition ? " if " + c.condition->text : "");
    }
    for (const auto& i : s.intents) {
        sig += "|intent " + i.intent;
    }
    for (const auto& a : s.set) {
        sig += "|set " + a.variable + "=" + a.value;
    }
    sig += s.is_end ? "|end" : "";
    sig += s.is_return ? "|return" : "";
    return sig;
}

std::string route_name(const dialog::global_route& r) {
    std::string name = r.intent + " -> ";
    switch (r.action) {
    case dialog::global_route::action::go:
        name += r.target;
        break;
    case dialog::global_route::action::restart:
        name += "(restart)";
        break;
    case dialog::global_route::action::forget:
        name += "(forget)" + (r.target.empty() ? "" : " " + r.target);
        break;
    }
    return name + (r.always ? " [always]" : "");
}

} // namespace

bool dialog_diff::empty() const {
    return texts.empty() && graph.states_added.empty() && graph.states_removed.empty() &&
           graph.states_changed.empty() && graph.routes_added.empty() &&
           graph.routes_removed.empty() && !graph.start_changed;
}

dialog_diff diff_dialogs(const dialog::model& old_model, const dialog::model& new_model) {
    dialog_diff diff;
    std::set<std::string> locales(old_model.locales.begin(), old_model.locales.end());
    locales.insert(new_model.locales.begin(), new_model.locales.end());
    for (const auto& locale : locales) {
        bool old_has = false;
        bool new_has = false;
        const text_map before = visible_texts(old_model, locale, old_has);
        const text_map after = visible_texts(new_model, locale, new_has);
        // A locale only one version has: all its text is added (or removed).
        for (const auto& [id, text] : after) {
            if (!new_has) {
                break;
            }
            const auto it = before.find(id);
            if (!old_has || it == before.end()) {
                diff.texts.push_back({text_change::kind::added, locale, id, "", text});
            } else if (it->second != text) {
                diff.texts.push_back({text_change::kind::changed, locale, id, it->second, text});
            }
        }
        for (const auto& [id, text] : before) {
            if (old_has && (!new_has || after.find(id) == after.end())) {
                diff.texts.push_back({text_change::kind::removed, locale, id, text, ""});
            }
        }
    }
    for (const auto& s : new_model.states) {
        const auto* old_state = old_model.find_state(s.id);
        if (old_state == nullptr) {
            diff.graph.states_added.push_back(s.id);
        } else if (state_signature(old_model, *old_state) != state_signature(new_model, s)) {
            diff.graph.states_changed.push_back(s.id);
        }
    }
    for (const auto& s : old_model.states) {
        if (new_model.find_state(s.id) == nullptr) {
            diff.graph.states_removed.push_back(s.id);
        }
    }
    std::set<std::string> old_routes;
    std::set<std::string> new_routes;
    for (const auto& r : old_model.routes) {
        old_routes.insert(route_name(r));
    }
    for (const auto& r : new_model.routes) {
        new_routes.insert(route_name(r));
    }
    std::set_difference(new_routes.begin(),
                        new_routes.end(),
                        old_routes.begin(),
                        old_routes.end(),
                        std::back_inserter(diff.graph.routes_added));
    std::set_difference(old_routes.begin(),
                        old_routes.end(),
                        new_routes.begin(),
                        new_routes.end(),
                        std::back_inserter(diff.graph.routes_removed));
    diff.graph.start_changed = old_model.start != new_model.start;
    return diff;
}

std::string format_diff(const dialog::model& old_model,
                        const dialog::model& new_model,
                        const dialog_diff& diff) {
    std::string out = "--- " + old_model.file.string() + " (" + old_model.id + " v" +
                      std::to_string(old_model.version) + ")\n+++ " + new_model.file.string() +
                      " (" + new_model.id + " v" + std::to_string(new_model.version) + ")\n";
    if (diff.empty()) {
        return out + "no user-visible changes\n";
    }
    std::string locale;
    for (const auto& c : diff.texts) {
        if (c.locale != locale) {
            locale = c.locale;
            out += "\n== text, locale " + locale + "\n";
        }
        switch (c.kind) {
        case text_change::kind::added:
            out += "added   " + c.text_id + "\n  + " + c.new_text + "\n";
            break;
        case text_change::kind::removed:
            out += "removed " + c.text_id + "\n  - " + c.old_text + "\n";
            break;
        case text_change::kind::changed:
            out += "changed " + c.text_id + "\n  - " + c.old_text + "\n  + " + c.new_text + "\n";
            break;
        }
    }
    const auto list = [&out](const char* title, const std::vector<std::string>& ids) {
        if (ids.empty()) {
            return;
        }
        out += std::string(title);
        for (const auto& id : ids) {
            out += " " + id;
        }
        out += "\n";
    };
    out += "\n== graph";
    const bool graph_changed =
        !diff.graph.states_added.empty() || !diff.graph.states_removed.empty() ||
        !diff.graph.states_changed.empty() || !diff.graph.routes_added.empty() ||
        !diff.graph.routes_removed.empty() || diff.graph.start_changed;
    if (!graph_changed) {
        return out + "\n== graph: unchanged\n";
    }
    if (old_model.version == new_model.version) {
        out += " (the version number did not change; bump \"version\" when the graph changes)";
    }
    out += "\n";
    if (diff.graph.start_changed) {
        out += "start: " + old_model.start + " -> " + new_model.start + "\n";
    }
    list("states added:", diff.graph.states_added);
    list("states removed:", diff.graph.states_removed);
    list("states changed:", diff.graph.states_changed);
    list("routes added:", diff.graph.routes_added);
    list("routes removed:", diff.graph.routes_removed);
    return out;
}

} // namespace heregoes::authoring
