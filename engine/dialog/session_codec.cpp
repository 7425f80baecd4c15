// The session codec (session_codec.hpp). Layout of format 1, after the two version bytes:
//   dialog_id (string), dialog_version (varint), locale (string), status (byte), state (varint),
//   no_match (byte), call_stack (count, varints), vars (count, then index byte and string each),
//   visits (count, then state varint and count byte each), topics_seen (varint), seed (8 bytes,
//   little-endian: it is random, so a varint would only grow it), seq (varint), safety state
//   (mode, risk_seen, concern, turns_seen bytes, then each recent category set as a varint).
// Strings are a varint length and the bytes. A later format appends fields; this reader ignores
// bytes after the fields it knows only when the record says a newer writer made it.

#include "engine/dialog/session_codec.hpp"

#include <limits>

namespace heregoes::dialog {
namespace {

void put_varint(std::uint64_t v, std::string& out) {
    while (v >= 0x80) {
        out.push_back(static_cast<char>((v & 0x7F) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

void put_string(std::string_view s, std::string& out) {
    put_varint(s.size(), out);
    out.append(s);
}

void put_byte(std::uint8_t b, std::string& out) {
    out.push_back(static_cast<char>(b));
}

class decoder {
public:
    explicit decoder(std::string_view bytes)
        : bytes_(bytes) {}

    bool ok() const noexcept { return problem_.empty(); }
    const std::string& problem() const noexcept { return problem_; }
    bool at_end() const noexcept { return pos_ == bytes_.size(); }

    std::uint8_t byte(const char* what) {
        if (!ok()) {
            return 0;
        }
        if (pos_ >= bytes_.size()) {
            fail_with(std::string("it ends before ") + what);
            return 0;
        }
        return static_cast<std::uint8_t>(bytes_[pos_++]);
    }

    std::uint64_t varint(const char* what, std::uint64_t max) {
        std::uint64_t v = 0;
        for (unsigned shift = 0; ok(); shift += 7) {
            if (shift > 63) {
                fail_with(std::string("the number for ") + what + " is too long");
                return 0;
            }
            const std::uint8_t b = byte(what);
            const std::uint64_t part = b & 0x7Fu;
            if (shift == 63 && part > 1) {
                fail_with(std::string("the number for ") + what + " overflows");
                return 0;
            }
            v |= part << shift;
            if ((b & 0x80u) == 0) {
                break;
            }
        }
        if (ok() && v > max) {
            fail_with(std::string("the value for ") + what + " is out of range");
            return 0;
        }
        return v;
    }

    std::uint64_t fixed64(const char* what) {
        std::uint64_t v = 0;
        for (unsigned i = 0; i < 8 && ok(); ++i) {
            v |= static_cast<std::uint64_t>(byte(what)) << (8 * i);
        }
        return v;
    }

    std::string string(const char* what, std::size_t max) {
        const std::uint64_t length = varint(what, max);
        if (!ok()) {
            return {};
        }
        if (length > bytes_.size() - pos_) {
            fail_with(std::string("it ends inside ") + what);
            return {};
        }
        std::string out(bytes_.substr(pos_, static_cast<std::size_t>(length)));
        pos_ += static_cast<std::size_t>(length);
        return out;
    }

    // A count of following entries, each at least `min_entry_bytes` long: bounded by what is
    // left, so a corrupted count cannot make the decoder reserve much.
    std::size_t count(const char* what, std::size_t min_entry_bytes) {
        const std::uint64_t n = varint(what, (bytes_.size() - pos_) / min_entry_bytes);
        return static_cast<std::size_t>(n);
    }

    void fail_with(std::string problem) {
        if (ok()) {
            problem_ = std::move(problem);
        }
    }

private:
    std::string_view bytes_;
    std::size_t pos_ = 0;
    std::string problem_;
};

// Longest string field (dialog id, locale, a variable's value) accepted by decode.
constexpr std::size_t max_field_bytes = 16 * 1024;

} // namespace

void encode_session(const session& s, std::string& out) {
    out.clear();
    put_byte(session_format_version, out);
    put_byte(session_min_reader_version, out);
    put_string(s.dialog_id, out);
    put_varint(s.dialog_version, out);
    put_string(s.locale, out);
    put_byte(static_cast<std::uint8_t>(s.current), out);
    put_varint(s.state, out);
    put_byte(s.no_match, out);
    put_varint(s.call_stack.size(), out);
    for (const state_index r : s.call_stack) {
        put_varint(r, out);
    }
    put_varint(s.vars.size(), out);
    for (const variable_value& v : s.vars) {
        put_byte(v.index, out);
        put_string(v.value, out);
    }
    put_varint(s.visits.size(), out);
    for (const visit_count& v : s.visits) {
        put_varint(v.state, out);
        put_byte(v.count, out);
    }
    put_varint(s.topics_seen, out);
    for (unsigned i = 0; i < 8; ++i) {
        put_byte(static_cast<std::uint8_t>(s.seed >> (8 * i)), out);
    }
    put_varint(s.seq, out);
    put_byte(static_cast<std::uint8_t>(s.safety.current), out);
    put_byte(s.safety.risk_seen ? 1 : 0, out);
    put_byte(s.safety.concern, out);
    put_byte(s.safety.turns_seen, out);
    for (const std::uint32_t r : s.safety.recent) {
        put_varint(r, out);
    }
}

std::string encode_session(const session& s) {
    std::string out;
    encode_session(s, out);
    return out;
}

expected<session> decode_session(std::string_view bytes) {
    auto refuse = [](const std::string& why) {
        return fail("session_format", "the saved session cannot be read: " + why);
    };
    if (bytes.size() > max_encoded_session_bytes) {
        return refuse("it is larger than any session this build writes");
    }
    if (bytes.size() < 2) {
        return refuse("it is too short to hold a format version");
    }
    const auto writer = static_cast<std::uint8_t>(bytes[0]);
    const auto min_reader = static_cast<std::uint8_t>(bytes[1]);
    if (writer == 0 || min_reader == 0 || min_reader > writer) {
        return refuse("its format bytes are invalid");
    }
    if (min_reader > session_format_version) {
        return refuse("it was written in format " + std::to_string(writer) +
                      ", which needs a "
                      "heregoes that reads format " +
                      std::to_string(min_reader) + " or later; this one reads format " +
                      std::to_string(session_format_version) + ". Upgrade this node");
    }
    decoder in(bytes.substr(2));
    session s;
    constexpr std::uint64_t max_state = std::numeric_limits<state_index>::max();
    s.dialog_id = in.string("the dialog id", max_field_bytes);
    s.dialog_version = static_cast<std::uint32_t>(
        in.varint("the dialog version", std::numeric_limits<std::uint32_t>::max()));
    s.locale = in.string("the locale", max_field_bytes);
    const std::uint8_t status = in.byte("the status");
    if (status > static_cast<std::uint8_t>(session::status::ended)) {
        in.fail_with("the status is unknown");
    }
    s.current = static_cast<session::status>(status);
    s.state = static_cast<state_index>(in.varint("the state", max_state));
    s.no_match = in.byte("the no-match count");
    const std::size_t calls = in.count("the call stack", 1);
    for (std::size_t i = 0; i < calls && in.ok(); ++i) {
        s.call_stack.push_back(static_cast<state_index>(in.varint("a call return", max_state)));
    }
    const std::size_t vars = in.count("the variables", 2);
    for (std::size_t i = 0; i < vars && in.ok(); ++i) {
        variable_value v;
        v.index = in.byte("a variable index");
        v.value = in.string("a variable value", max_field_bytes);
        s.vars.push_back(std::move(v));
    }
    const std::size_t visits = in.count("the visit counts", 2);
    for (std::size_t i = 0; i < visits && in.ok(); ++i) {
        visit_count v;
        v.state = static_cast<state_index>(in.varint("a visited state", max_state));
        v.count = in.byte("a visit count");
        s.visits.push_back(v);
    }
    s.topics_seen = static_cast<std::uint16_t>(
        in.varint("the topics seen", std::numeric_limits<std::uint16_t>::max()));
    s.seed = in.fixed64("the seed");
    s.seq = static_cast<std::uint32_t>(
        in.varint("the message count", std::numeric_limits<std::uint32_t>::max()));
    const std::uint8_t mode = in.byte("the safety mode");
    if (mode > static_cast<std::uint8_t>(safety::safety_state::mode::paused)) {
        in.fail_with("the safety mode is unknown");
    }
    s.safety.current = static_cast<safety::safety_state::mode>(mode);
    const std::uint8_t risk = in.byte("the safety flags");
    if (risk > 1) {
        in.fail_with("the safety flags are invalid");
    }
    s.safety.risk_seen = risk == 1;
    s.safety.concern = in.byte("the safety concern");
    s.safety.turns_seen = in.byte("the safety turn count");
    for (std::uint32_t& r : s.safety.recent) {
        r = static_cast<std::uint32_t>(
            in.varint("the safety memory", std::numeric_limits<std::uint32_t>::max()));
    }
    if (!in.ok()) {
        return refuse(in.problem());
    }
    if (!in.at_end() && writer == session_format_version) {
        return refuse("it has bytes after its last field");
    }
    return s;
}

} // namespace heregoes::dialog
