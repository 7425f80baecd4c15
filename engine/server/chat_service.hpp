#pragma once

// What one client frame does: start a session, resume one, run a turn, or forget. This is the
// protocol's meaning, kept apart from the socket handling in ws_session: it runs the dialog turn
// (dialog::step behind the safety gate), seals the new state and the turn's frames with the
// session's token-derived keys, saves them, and only when the store reports the write durable
// hands back the frames to send. Store completions arrive on whatever thread the store runs them on
// and are posted to the connection's executor, so a conversation is only ever touched there.

#include "adapters/web/client_frame.hpp"
#include "adapters/web/protocol_error.hpp"
#include "engine/dialog/dialog.hpp"
#include "engine/dialog/session.hpp"
#include "engine/server/server_context.hpp"
#include "engine/store/sealing.hpp"
#include "engine/store/session_store.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heregoes::server {

// The session a connection carries, once started or resumed.
struct live_session {
    std::string token;
    store::session_sealer sealer;
    std::uint64_t version = 0; // the store version this state was saved as
    dialog::session state;
    std::shared_ptr<const dialog::dialog> dialog;
};

// A connection's protocol state. Owned by its ws_session and touched only on its executor.
class conversation {
public:
    explicit conversation(metrics& stats)
        : stats_(stats) {}
    ~conversation() { clear(); }
    conversation(const conversation&) = delete;
    conversation& operator=(const conversation&) = delete;

    bool started() const noexcept { return live_.has_value(); }
    live_session& live() { return *live_; }
    void set(live_session s);
    void clear();

private:
    metrics& stats_;
    std::optional<live_session> live_;
};

// The answer to one frame: encoded frames to send in one write, in order.
struct reply {
    std::vector<std::string> frames;
    bool close = false; // the session was forgotten: close the connection after sending
    bool turn = false;  // a dialog turn ran (for the turn metrics)
};

class chat_service {
public:
    explicit chat_service(server_context& ctx)
        : ctx_(ctx) {}

    // Handles one parsed frame. `done` runs exactly once, on `executor`. `conv` must stay alive
    // and untouched by anyone else until then (the caller runs one frame at a time).
    void handle(const web::client_frame& frame,
                conversation& conv,
                boost::asio::any_io_executor executor,
                std::function<void(reply)> done);

    // An error reply, counted in the metrics.
    reply error_reply(web::protocol_error code, std::string_view message = {});

private:
    void start_new(const web::client_frame& frame,
                   conversation& conv,
                   boost::asio::any_io_executor executor,
                   std::function<void(reply)> done);
    void resume(const web::client_frame& frame,
                conversation& conv,
                boost::asio::any_io_executor executor,
                std::function<void(reply)> done);
    void run_turn(const web::client_frame& frame,
                  conversation& conv,
                  boost::asio::any_io_executor executor,
                  std::function<void(reply)> done);
    // Saves `write`, then on `executor` answers with `settle(status)`'s reply, or with `internal`
    // (counted, and logged as a failed `op` save) when settle returns none; nothing goes out first.
    template <class settle_fn>
    void save_then_reply(store::session_write write,
                         std::string_view op,
                         boost::asio::any_io_executor executor,
                         std::function<void(reply)> done,
                         settle_fn settle);
    void forget(conversation& conv,
                std::vector<std::string> farewell,
                boost::asio::any_io_executor executor,
                std::function<void(reply)> done);

    server_context& ctx_;
};

} // namespace heregoes::server
