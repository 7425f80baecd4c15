// Lookups and read-only views over the dialog model (model.hpp): the edges, text ids, intents and
// variables the graph uses, each with the pointer of the member that names it. The linter and the
// authoring tools build their checks and reports on these, so the walk over the model's many
// kinds of references lives in one place.

#include "engine/dialog/model.hpp"

namespace heregoes::dialog {

const state_decl* model::find_state(std::string_view id) const {
    for (const state_decl& s : states) {
        if (s.id == id) {
            return &s;
        }
    }
    return nullptr;
}

const variable_decl* model::find_variable(std::string_view name) const {
    for (const variable_decl& v : variables) {
        if (v.name == name) {
            return &v;
        }
    }
    return nullptr;
}

const locale_strings* model::find_locale(std::string_view locale) const {
    for (const locale_strings& l : strings) {
        if (l.locale == locale) {
            return &l;
        }
    }
    return nullptr;
}

std::vector<edge> edges(const model& m) {
    std::vector<edge> out;
    out.push_back({edge::kind::start, "", m.start, "/start"});
    for (const state_decl& s : m.states) {
        for (const choice_decl& c : s.choices) {
            out.push_back({edge::kind::choice, s.id, c.target, c.pointer + "/goto"});
        }
        for (const intent_route& i : s.intents) {
            out.push_back({edge::kind::intent, s.id, i.target, i.pointer + "/goto"});
        }
        if (s.capture) {
            out.push_back(
                {edge::kind::capture, s.id, s.capture->target, s.capture->pointer + "/goto"});
        }
        if (s.no_match && !s.no_match->target.empty()) {
            out.push_back(
                {edge::kind::no_match, s.id, s.no_match->target, s.no_match->pointer + "/goto"});
        }
        for (const next_branch& n : s.next) {
            const bool plain = n.pointer == s.pointer + "/next";
            out.push_back(
                {edge::kind::next, s.id, n.target, plain ? n.pointer : n.pointer + "/goto"});
        }
        if (s.call) {
            out.push_back({edge::kind::call, s.id, s.call->state, s.call->pointer + "/state"});
            out.push_back(
                {edge::kind::call_return, s.id, s.call->return_to, s.call->pointer + "/return"});
        }
        if (s.max_visits) {
            out.push_back({edge::kind::max_visits, s.id, s.on_max_visits, s.on_max_visits_pointer});
        }
    }
    for (const global_route& r : m.routes) {
        if (!r.target.empty()) {
            out.push_back({edge::kind::route, "", r.target, r.pointer + "/goto"});
        }
    }
    if (m.no_match && !m.no_match->target.empty()) {
        out.push_back(
            {edge::kind::default_no_match, "", m.no_match->target, m.no_match->pointer + "/goto"});
    }
    for (const migrate_entry& e : m.migrate) {
        out.push_back({edge::kind::migrate, e.from_state, e.to_state, e.pointer});
    }
    return out;
}

std::vector<text_use> text_uses(const model& m) {
    std::vector<text_use> out;
    auto reprompts = [&out](const no_match_decl& n, const std::string& state) {
        for (std::size_t i = 0; i < n.reprompts.size(); ++i) {
            out.push_back({n.reprompts[i], state, n.pointer + "/reprompts/" + std::to_string(i)});
        }
    };
    for (const state_decl& s : m.states) {
        for (const say_item& item : s.say) {
            if (item.text_ids.size() == 1) {
                // A plain string or {"text": "id"}: the item's own pointer names it.
                out.push_back({item.text_ids[0], s.id, item.pointer});
                continue;
            }
            for (std::size_t i = 0; i < item.text_ids.size(); ++i) {
                out.push_back(
                    {item.text_ids[i], s.id, item.pointer + "/text/" + std::to_string(i)});
            }
        }
        for (const choice_decl& c : s.choices) {
            out.push_back({c.label, s.id, c.pointer + "/label"});
        }
        if (s.no_match) {
            reprompts(*s.no_match, s.id);
        }
    }
    if (m.no_match) {
        reprompts(*m.no_match, "");
    }
    return out;
}

std::vector<intent_use> intent_uses(const model& m) {
    std::vector<intent_use> out;
    for (const state_decl& s : m.states) {
        for (const intent_route& i : s.intents) {
            out.push_back({i.intent, s.id, i.pointer + "/intent"});
        }
    }
    for (const global_route& r : m.routes) {
        out.push_back({r.intent, "", r.pointer + "/intent"});
    }
    return out;
}

std::vector<variable_use> variable_uses(const model& m) {
    std::vector<variable_use> out;
    auto sets = [&out](const std::vector<assignment>& set, const std::string& state) {
        for (const assignment& a : set) {
            out.push_back({variable_use::kind::set, a.variable, state, a.pointer});
        }
    };
    auto tests = [&out](const std::optional<condition_source>& c, const std::string& state) {
        if (!c) {
            return;
        }
        for (std::string& name : c->expr.names()) {
            out.push_back({variable_use::kind::test, std::move(name), state, c->pointer});
        }
    };
    for (const state_decl& s : m.states) {
        sets(s.set, s.id);
        for (const say_item& item : s.say) {
            tests(item.condition, s.id);
        }
        for (const choice_decl& c : s.choices) {
            tests(c.condition, s.id);
            sets(c.set, s.id);
        }
        for (const intent_route& i : s.intents) {
            sets(i.set, s.id);
        }
        if (s.capture) {
            out.push_back({variable_use::kind::capture,
                           s.capture->variable,
                           s.id,
                           s.capture->pointer + "/var"});
        }
        for (const next_branch& n : s.next) {
            tests(n.condition, s.id);
        }
    }
    return out;
}

std::vector<std::string> placeholders(std::string_view text) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (true) {
        const std::size_t open = text.find("{{", pos);
        if (open == std::string_view::npos) {
            break;
        }
        const std::size_t close = text.find("}}", open + 2);
        if (close == std::string_view::npos) {
            break;
        }
        std::string_view name = text.substr(open + 2, close - open - 2);
        while (!name.empty() && name.front() == ' ') {
            name.remove_prefix(1);
        }
        while (!name.empty() && name.back() == ' ') {
            name.remove_suffix(1);
        }
        out.emplace_back(name);
        pos = close + 2;
    }
    return out;
}

std::string pointer_token(std::string_view token) {
    std::string out;
    out.reserve(token.size());
    for (const char c : token) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out.push_back(c);
        }
    }
    return out;
}

} // namespace heregoes::dialog
