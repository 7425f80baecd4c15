// The hand-over of a batch of save completions (see the header).

#include "engine/store/save_handover.hpp"

#include <memory>

namespace heregoes::store {

void hand_over_saves(const completion_runner& runner, save_completions saves) {
    if (saves.empty()) {
        return;
    }
    if (!runner) {
        for (auto& [done, status] : saves) {
            done(status);
        }
        return;
    }
    // std::function needs a copyable callable; the completions themselves move only once.
    auto shared = std::make_shared<save_completions>(std::move(saves));
    runner([shared] {
        for (auto& [done, status] : *shared) {
            done(status);
        }
    });
}

} // namespace heregoes::store
