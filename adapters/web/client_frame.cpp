// Parses client frames of protocol v1. nlohmann/json's SAX parser checks syntax and UTF-8 and hands
// over each value as it goes; only the top-level members a frame may carry are kept, by shape, and
// everything else (nested values included) is checked and dropped. Building a JSON tree first cost
// a dozen allocations and about 6,000 instructions for a frame of forty bytes. No exception
// escapes: a syntax error ends the parse with a protocol error.

#include "adapters/web/client_frame.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <limits>
#include <string>
#include <utility>

namespace heregoes::web {

namespace {

using json = nlohmann::json;

// The members a client frame may carry. Others are allowed and ignored.
enum class member : std::uint8_t { type, dialog, locale, token, last_seq, text, id, none };

constexpr std::array<std::string_view, 7> member_names{
    "type", "dialog", "locale", "token", "last_seq", "text", "id"};

member member_named(std::string_view name) {
    for (std::size_t i = 0; i < member_names.size(); ++i) {
        if (member_names[i] == name) {
            return static_cast<member>(i);
        }
    }
    return member::none;
}

// What one top-level member held. A repeated member keeps its last value, as a JSON object would.
enum class value_shape : std::uint8_t { absent, null, string, whole_number, other };

struct member_value {
    value_shape shape = value_shape::absent;
    std::string text;         // shape::string
    std::uint64_t number = 0; // value_shape::whole_number: a non-negative integer that fits 64 bits
};

// The SAX handler: records the top-level members of one object and refuses any other top level.
class frame_members {
public:
    const member_value& operator[](member m) const { return values_[static_cast<std::size_t>(m)]; }
    member_value& operator[](member m) { return values_[static_cast<std::size_t>(m)]; }
    bool is_object() const { return top_is_object_; }

    bool null() { return scalar(value_shape::null); }
    bool boolean(bool) { return scalar(value_shape::other); }
    // The parser reports only numbers written with a minus sign here, "-0" included.
    bool number_integer(json::number_integer_t) { return scalar(value_shape::other); }
    bool number_unsigned(json::number_unsigned_t value) {
        if (!scalar(value_shape::whole_number)) {
            return false;
        }
        if (auto* v = current()) {
            v->number = value;
        }
        return true;
    }
    bool number_float(json::number_float_t, const json::string_t&) {
        return scalar(value_shape::other);
    }
    bool string(json::string_t& value) {
        if (!scalar(value_shape::string)) {
            return false;
        }
        if (auto* v = current()) {
            v->text = std::move(value);
        }
        return true;
    }
    bool binary(json::binary_t&) { return scalar(value_shape::other); }
    bool start_object(std::size_t) { return open(true); }
    bool start_array(std::size_t) { return open(false); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }
    bool key(json::string_t& name) {
        if (depth_ == 1) {
            key_ = member_named(name);
        }
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
        return false;
    }

private:
    // The member a value at the current position belongs to, or null when it belongs to none.
    member_value* current() {
        if (depth_ != 1 || key_ == member::none) {
            return nullptr;
        }
        return &values_[static_cast<std::size_t>(key_)];
    }

    // A scalar: at the top it means the frame is not an object, which ends the parse.
    bool scalar(value_shape shape) {
        if (depth_ == 0) {
            return false;
        }
        if (auto* v = current()) {
            v->shape = shape;
            v->text.clear();
            v->number = 0;
        }
        return true;
    }

    bool open(bool object) {
        if (depth_ == 0) {
            if (!object) {
                return false;
            }
            top_is_object_ = true;
        } else if (auto* v = current()) {
            v->shape = value_shape::other;
            v->text.clear();
        }
        ++depth_;
        return true;
    }

    bool close() {
        --depth_;
        return true;
    }

    std::array<member_value, member_names.size()> values_{};
    std::size_t depth_ = 0;
    member key_ = member::none;
    bool top_is_object_ = false;
};

parsed_frame reject(protocol_error code, std::string message) {
    return parsed_frame{std::nullopt, frame_error{code, std::move(message)}};
}

// Reads an optional string member into `out`. Returns false (and sets `error`) when the member is
// present with the wrong type or is too long; a null counts as absent.
bool read_optional_string(const frame_members& members,
                          member m,
                          std::size_t max_bytes,
                          std::string& out,
                          parsed_frame& error) {
    const auto& value = members[m];
    const auto name = member_names[static_cast<std::size_t>(m)];
    if (value.shape == value_shape::absent || value.shape == value_shape::null) {
        return true;
    }
    if (value.shape != value_shape::string) {
        error = reject(protocol_error::missing_field,
                       "\"" + std::string(name) + "\" must be a string.");
        return false;
    }
    if (value.text.size() > max_bytes) {
        error = reject(protocol_error::too_large, "\"" + std::string(name) + "\" is too long.");
        return false;
    }
    out = value.text;
    return true;
}

parsed_frame parse_start(const frame_members& members) {
    client_frame frame;
    frame.kind = client_frame::kind::start;
    parsed_frame error;
    if (!read_optional_string(members, member::dialog, max_id_bytes, frame.dialog, error) ||
        !read_optional_string(members, member::locale, max_id_bytes, frame.locale, error)) {
        return error;
    }
    std::string token;
    if (!read_optional_string(members, member::token, max_id_bytes, token, error)) {
        return error;
    }
    if (members[member::token].shape == value_shape::string) {
        frame.token = std::move(token);
    }
    const auto& last_seq = members[member::last_seq];
    if (last_seq.shape != value_shape::absent && last_seq.shape != value_shape::null) {
        if (last_seq.shape != value_shape::whole_number ||
            last_seq.number > std::numeric_limits<std::uint32_t>::max()) {
            return reject(protocol_error::missing_field,
                          "\"last_seq\" must be a whole number from 0 to 4294967295.");
        }
        frame.last_seq = static_cast<std::uint32_t>(last_seq.number);
    }
    return parsed_frame{std::move(frame), {}};
}

parsed_frame parse_text(frame_members& members, const frame_limits& limits) {
    auto& text = members[member::text];
    if (text.shape != value_shape::string) {
        return reject(protocol_error::missing_field, "A text frame needs a string \"text\".");
    }
    if (count_code_points(text.text) > limits.max_text_chars) {
        return reject(protocol_error::too_large,
                      "The text is longer than " + std::to_string(limits.max_text_chars) +
                          " characters.");
    }
    client_frame frame;
    frame.kind = client_frame::kind::text;
    frame.value = std::move(text.text);
    return parsed_frame{std::move(frame), {}};
}

parsed_frame parse_choice(frame_members& members) {
    auto& id = members[member::id];
    if (id.shape != value_shape::string) {
        return reject(protocol_error::missing_field, "A choice frame needs a string \"id\".");
    }
    if (id.text.size() > max_id_bytes) {
        return reject(protocol_error::too_large, "The choice id is too long.");
    }
    client_frame frame;
    frame.kind = client_frame::kind::choice;
    frame.value = std::move(id.text);
    return parsed_frame{std::move(frame), {}};
}

} // namespace

std::size_t count_code_points(std::string_view utf8) noexcept {
    std::size_t count = 0;
    for (unsigned char c : utf8) {
        if ((c & 0xC0u) != 0x80u) {
            ++count;
        }
    }
    return count;
}

parsed_frame parse_client_frame(std::string_view payload, const frame_limits& limits) {
    if (payload.size() > limits.max_frame_bytes) {
        return reject(protocol_error::too_large,
                      "The frame is larger than " + std::to_string(limits.max_frame_bytes) +
                          " bytes.");
    }
    // Strict: trailing bytes after the object are a syntax error too.
    frame_members members;
    if (!json::sax_parse(payload, &members) || !members.is_object()) {
        return reject(protocol_error::bad_json,
                      std::string(default_message(protocol_error::bad_json)));
    }
    const auto& type = members[member::type];
    if (type.shape != value_shape::string) {
        return reject(protocol_error::unknown_type,
                      std::string(default_message(protocol_error::unknown_type)));
    }
    const std::string_view name = type.text;
    if (name == "start") {
        return parse_start(members);
    }
    if (name == "text") {
        return parse_text(members, limits);
    }
    if (name == "choice") {
        return parse_choice(members);
    }
    client_frame frame;
    if (name == "restart") {
        frame.kind = client_frame::kind::restart;
        return parsed_frame{std::move(frame), {}};
    }
    if (name == "forget") {
        frame.kind = client_frame::kind::forget;
        return parsed_frame{std::move(frame), {}};
    }
    return reject(protocol_error::unknown_type,
                  std::string(default_message(protocol_error::unknown_type)));
}

} // namespace heregoes::web
