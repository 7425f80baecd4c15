// Parses client frames of protocol v1. nlohmann/json is run with exceptions off at the parse step
// (it checks UTF-8 and syntax), and every field is read by type, so a frame of the wrong shape
// turns into a protocol error, never an exception escaping into the server.

#include "adapters/web/client_frame.hpp"

#include <nlohmann/json.hpp>

#include <limits>
#include <string>

namespace heregoes::web {

namespace {

using json = nlohmann::json;

parsed_frame reject(protocol_error code, std::string message) {
    return parsed_frame{std::nullopt, frame_error{code, std::move(message)}};
}

// Reads an optional string field. Returns false (and sets `error`) when the field is present with
// the wrong type or is too long.
bool read_optional_string(const json& object,
                          const char* name,
                          std::size_t max_bytes,
                          std::string& out,
                          parsed_frame& error) {
    auto it = object.find(name);
    if (it == object.end() || it->is_null()) {
        return true;
    }
    if (!it->is_string()) {
        error = reject(protocol_error::missing_field,
                       std::string("\"") + name + "\" must be a string.");
        return false;
    }
    const auto& text = it->get_ref<const std::string&>();
    if (text.size() > max_bytes) {
        error = reject(protocol_error::too_large, std::string("\"") + name + "\" is too long.");
        return false;
    }
    out = text;
    return true;
}

parsed_frame parse_start(const json& object) {
    client_frame frame;
    frame.kind = client_frame::kind::start;
    parsed_frame error;
    if (!read_optional_string(object, "dialog", max_id_bytes, frame.dialog, error) ||
        !read_optional_string(object, "locale", max_id_bytes, frame.locale, error)) {
        return error;
    }
    std::string token;
    if (!read_optional_string(object, "token", max_id_bytes, token, error)) {
        return error;
    }
    if (object.contains("token") && !object["token"].is_null()) {
        frame.token = std::move(token);
    }
    if (auto it = object.find("last_seq"); it != object.end() && !it->is_null()) {
        if (!it->is_number_unsigned() ||
            it->get<std::uint64_t>() > std::numeric_limits<std::uint32_t>::max()) {
            return reject(protocol_error::missing_field,
                          "\"last_seq\" must be a whole number from 0 to 4294967295.");
        }
        frame.last_seq = static_cast<std::uint32_t>(it->get<std::uint64_t>());
    }
    return parsed_frame{std::move(frame), {}};
}

parsed_frame parse_text(const json& object, const frame_limits& limits) {
    auto it = object.find("text");
    if (it == object.end() || !it->is_string()) {
        return reject(protocol_error::missing_field, "A text frame needs a string \"text\".");
    }
    const auto& text = it->get_ref<const std::string&>();
    if (count_code_points(text) > limits.max_text_chars) {
        return reject(protocol_error::too_large,
                      "The text is longer than " + std::to_string(limits.max_text_chars) +
                          " characters.");
    }
    client_frame frame;
    frame.kind = client_frame::kind::text;
    frame.value = text;
    return parsed_frame{std::move(frame), {}};
}

parsed_frame parse_choice(const json& object) {
    auto it = object.find("id");
    if (it == object.end() || !it->is_string()) {
        return reject(protocol_error::missing_field, "A choice frame needs a string \"id\".");
    }
    const auto& id = it->get_ref<const std::string&>();
    if (id.size() > max_id_bytes) {
        return reject(protocol_error::too_large, "The choice id is too long.");
    }
    client_frame frame;
    frame.kind = client_frame::kind::choice;
    frame.value = id;
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
    // Exceptions off: a syntax error or invalid UTF-8 gives a discarded value instead.
    json object = json::parse(payload, nullptr, false);
    if (object.is_discarded() || !object.is_object()) {
        return reject(protocol_error::bad_json,
                      std::string(default_message(protocol_error::bad_json)));
    }
    auto type = object.find("type");
    if (type == object.end() || !type->is_string()) {
        return reject(protocol_error::unknown_type,
                      std::string(default_message(protocol_error::unknown_type)));
    }
    const auto& name = type->get_ref<const std::string&>();
    if (name == "start") {
        return parse_start(object);
    }
    if (name == "text") {
        return parse_text(object, limits);
    }
    if (name == "choice") {
        return parse_choice(object);
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
