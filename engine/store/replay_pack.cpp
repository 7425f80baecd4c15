// Packing and unpacking replay frames, and opening kept replay; the format is described in
// replay_pack.hpp.

#include "engine/store/replay_pack.hpp"

#include <utility>

namespace heregoes::store {

namespace {

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

// Says which kept blob an error came from: the seq its row ends at (never any of its bytes).
error in_blob(error e, std::uint32_t last_seq) {
    e.message = "the replay kept up to frame " + std::to_string(last_seq) + ": " + e.message;
    return e;
}

// Appends the frames of one turn's opened pack that come after `after`. The last must be the
// frame its row names: a row whose seq was changed would otherwise pass for another turn.
expected<void> take_turn(std::string_view pack,
                         std::uint32_t last_seq,
                         std::uint32_t after,
                         std::vector<std::string>& out) {
    std::vector<frame_record> records;
    if (auto unpacked = unpack_frames(pack, 0, records); !unpacked) {
        return unpacked.error();
    }
    if (records.empty() || records.back().seq != last_seq) {
        return corrupt(pack.size(), "its frames do not end at the frame its row names");
    }
    for (auto& r : records) {
        if (r.seq > after) {
            out.push_back(std::move(r.bytes));
        }
    }
    return {};
}

} // namespace

void append_record(std::string& pack, std::uint32_t seq, std::string_view bytes) {
    put_u32(pack, seq);
    put_u32(pack, static_cast<std::uint32_t>(bytes.size()));
    pack += bytes;
}

void pack_frames(const std::vector<frame_record>& records, std::string& out) {
    std::size_t total = 0;
    for (const auto& r : records) {
        total += record_header_bytes + r.bytes.size();
    }
    out.reserve(out.size() + total);
    for (const auto& r : records) {
        append_record(out, r.seq, r.bytes);
    }
}

expected<void>
unpack_frames(std::string_view pack, std::uint32_t after, std::vector<frame_record>& out) {
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
                frame_record{seq, std::string(pack.substr(at + record_header_bytes, length))});
        }
        previous = seq;
        first = false;
        at += record_header_bytes + length;
    }
    return {};
}

expected<void>
open_replay(const session_sealer& sealer, const kept_replay& kept, std::vector<std::string>& out) {
    for (const auto& piece : kept.sealed) {
        const bool whole_turn = piece.form == replay_form::turn;
        if (!whole_turn && piece.last_seq <= kept.after) {
            continue;
        }
        auto plain =
            sealer.open(whole_turn ? seal_purpose::turn_frames : seal_purpose::frame, piece.sealed);
        if (!plain) {
            return in_blob(plain.error(), piece.last_seq);
        }
        if (!whole_turn) {
            out.push_back(std::move(*plain));
        } else if (auto taken = take_turn(*plain, piece.last_seq, kept.after, out); !taken) {
            return in_blob(taken.error(), piece.last_seq);
        }
    }
    return {};
}

} // namespace heregoes::store
