// Session migration between dialog versions (versioning.hpp). A state is carried over by id, or
// through the new version's migrate map; the call stack's return states likewise. Variables are
// matched by name, visit counts by state id (kept only where the new state still bounds visits).

#include "engine/dialog/versioning.hpp"

#include "engine/dialog/compiled_dialog.hpp"

namespace heregoes::dialog {
namespace {

// The state in `to` that stands for `from`'s state `state`: the same id, else the migrate map.
std::optional<state_index> counterpart(const dialog& from, const dialog& to, state_index state) {
    if (state >= from.state_count()) {
        return std::nullopt;
    }
    const std::string& id = from.state_id(state);
    if (auto same = to.find_state(id)) {
        return same;
    }
    const auto& migrate = to.data().migrate;
    const auto it = migrate.find(id);
    if (it != migrate.end()) {
        return it->second;
    }
    return std::nullopt;
}

} // namespace

std::optional<session> migrate(const dialog& from, const dialog& to, const session& s) {
    if (!to.has_locale(s.locale) || from.id() != to.id()) {
        return std::nullopt;
    }
    session out = s;
    out.dialog_version = to.version();
    if (s.current == session::status::fresh) {
        out.state = to.start();
        return out;
    }
    if (s.current == session::status::ended) {
        // Nothing waits on the state of an ended session; the next input starts again.
        out.state = counterpart(from, to, s.state).value_or(to.start());
        out.call_stack.clear();
    } else {
        const auto state = counterpart(from, to, s.state);
        if (!state) {
            return std::nullopt;
        }
        out.state = *state;
        if (out.state != s.state || from.state_id(s.state) != to.state_id(out.state)) {
            out.no_match = 0; // a different state: its escalation starts afresh
        }
        out.call_stack.clear();
        for (const state_index r : s.call_stack) {
            const auto back = counterpart(from, to, r);
            if (!back) {
                return std::nullopt;
            }
            out.call_stack.push_back(*back);
        }
    }
    out.vars.clear();
    for (const variable_value& v : s.vars) {
        if (v.index >= from.variable_count()) {
            continue;
        }
        const auto index = to.find_variable(from.variable_name(v.index));
        if (index && !to.variable_from_deployment(*index)) {
            out.vars.push_back(variable_value{*index, v.value});
        }
    }
    out.visits.clear();
    for (const visit_count& v : s.visits) {
        if (v.state >= from.state_count()) {
            continue;
        }
        const auto state = to.find_state(from.state_id(v.state));
        if (state && to.data().states[*state].max_visits != 0) {
            out.visits.push_back(visit_count{*state, v.count});
        }
    }
    return out;
}

std::shared_ptr<const dialog> upgrade(const dialog_set& set, session& s) {
    std::shared_ptr<const dialog> current = set.find(s.dialog_id, s.dialog_version);
    std::shared_ptr<const dialog> newest = set.latest(s.dialog_id);
    if (current == nullptr) {
        // The version the session ran on is gone (not kept across a restart); a fresh or ended
        // session can still begin on the newest.
        if (newest != nullptr && newest->has_locale(s.locale) &&
            s.current != session::status::waiting) {
            s.dialog_version = newest->version();
            s.state = newest->start();
            s.call_stack.clear();
            s.visits.clear();
            s.vars.clear(); // indexes of an unknown version cannot be mapped by name
            return newest;
        }
        return nullptr;
    }
    if (newest == nullptr || newest->version() <= current->version()) {
        return current;
    }
    if (auto moved = migrate(*current, *newest, s)) {
        s = std::move(*moved);
        return newest;
    }
    return current;
}

} // namespace heregoes::dialog
