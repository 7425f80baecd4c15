// Packing and unpacking one turn's replay frames; the format is described in replay_pack.hpp.

#include "engine/store/replay_pack.hpp"

#include <cstdint>

namespace heregoes::store {

namespace {

// Bytes of a record's header: the seq and the length, 4 bytes each.
constexpr std::size_t record_header_bytes = 8;

void put_u32(std::string& out, std::uint32_t v) {
    const char bytes[4] = {static_cast<char>(v >> 24),
                           static_cast<char>(v >> 16),
                           static_cast<char>(v >> 8),
                           static_cast<char>(v)};
    out.append(bytes, sizeof bytes);
}

std::uint32_t get_u32(std::string_view in, std::size_t at) {
    auto byte = [&](std::size_t i) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>(in[at + i]));
    };
    return byte(0) << 24 | byte(1) << 16 | byte(2) << 8 | byte(3);
}

error corrupt(std::size_t offset, const char* what) {
    return fail("replay_corrupt",
                std::string("a stored replay record is damaged at byte ") + std::to_string(offset) +
                    ": " + what);
}

} // namespace

void pack_frames(const std::vector<sealed_frame>& frames, std::string& out) {
    std::size_t total = 0;
    for (const auto& f : frames) {
        total += record_header_bytes + f.sealed.size();
    }
    out.reserve(out.size() + total);
    for (const auto& f : frames) {
        put_u32(out, f.seq);
        put_u32(out, static_cast<std::uint32_t>(f.sealed.size()));
        out += f.sealed;
    }
}

expected<void>
unpack_frames(std::string_view pack, std::uint32_t after, std::vector<sealed_frame>& out) {
    std::size_t at = 0;
    std::uint32_t previous = 0;
    bool first = true;
    while (at < pack.size()) {
        if (pack.size() - at < record_header_bytes) {
            return corrupt(at, "the record header is cut short");
        }
        const std::uint32_t seq = get_u32(pack, at);
        const std::uint32_t length = get_u32(pack, at + 4);
        if (!first && seq <= previous) {
            return corrupt(at, "frame numbers do not increase");
        }
        if (pack.size() - at - record_header_bytes < length) {
            return corrupt(at, "the frame is longer than what is left of the record");
        }
        if (seq > after) {
            out.push_back(
                sealed_frame{seq, std::string(pack.substr(at + record_header_bytes, length))});
        }
        previous = seq;
        first = false;
        at += record_header_bytes + length;
    }
    return {};
}

} // namespace heregoes::store
