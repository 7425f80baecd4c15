#pragma once

// How a store hands the completions of a batch of saves to whoever runs them. Every turn waits for
// its save, so a store gathers the saves it finished together (a commit, or what its worker found
// queued) and passes them on in one call: a server posts that call to a network thread, which
// costs one cross-thread post per batch rather than one per turn. Both stores use this.

#include "engine/store/session_store.hpp"

#include <functional>
#include <utility>
#include <vector>

namespace heregoes::store {

// Runs one batch of completions somewhere else (sqlite_options / memory_options::run_completions).
using completion_runner = std::function<void(std::function<void()>)>;

// Save callbacks with the results to give them, in the order the saves were made.
using save_completions = std::vector<std::pair<std::function<void(write_status)>, write_status>>;

// Runs `saves` in order: through `runner` in one call when it is set, else here and now.
void hand_over_saves(const completion_runner& runner, save_completions saves);

} // namespace heregoes::store
