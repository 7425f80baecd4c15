// A small stand-in for libFuzzer, so every fuzz target also runs as an ordinary test under g++
// (and under the ASan+UBSan build). It replays the seed files of a directory, then runs a fixed
// number of mutations of them: bit flips, byte changes, truncation, deletion, duplication,
// splicing two inputs, and insertion of dictionary tokens. It is deterministic (a fixed PRNG
// seed), so a failure reproduces exactly. It has no coverage feedback; deep fuzzing belongs to
// libFuzzer (HEREGOES_LIBFUZZER=ON with clang).
//
// Usage: fuzz_<name> SEED_DIR [--iterations N] [--dict FILE] [--max-len BYTES] [--seed N]

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

using bytes = std::vector<std::uint8_t>;

// Longest input tried by default: larger than every seed, small enough that each run stays fast.
constexpr std::size_t default_max_len = 64 * 1024;

// Inputs kept in the corpus, seeds plus mutants that are kept as parents for later mutations.
constexpr std::size_t max_corpus = 256;

// xorshift64*: a tiny deterministic generator; quality is ample for choosing mutations.
class prng {
public:
    explicit prng(std::uint64_t seed)
        : state_(seed == 0 ? 0x9E3779B97F4A7C15ull : seed) {}
    std::uint64_t next() {
        state_ ^= state_ >> 12;
        state_ ^= state_ << 25;
        state_ ^= state_ >> 27;
        return state_ * 0x2545F4914F6CDD1Dull;
    }
    std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }

private:
    std::uint64_t state_;
};

bytes read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// Reads a libFuzzer-style dictionary: one `name="value"` or `"value"` per line, with \\, \" and
// \xNN escapes; '#' starts a comment line.
std::vector<bytes> read_dictionary(const std::filesystem::path& p) {
    std::vector<bytes> tokens;
    std::ifstream in(p);
    std::string line;
    while (std::getline(in, line)) {
        const std::size_t open = line.find('"');
        const std::size_t close = line.rfind('"');
        if (line.empty() || line[0] == '#' || open == std::string::npos || close <= open) {
            continue;
        }
        bytes token;
        for (std::size_t i = open + 1; i < close; ++i) {
            if (line[i] == '\\' && i + 1 < close) {
                if (line[i + 1] == 'x' && i + 3 < close && hex_value(line[i + 2]) >= 0 &&
                    hex_value(line[i + 3]) >= 0) {
                    token.push_back(static_cast<std::uint8_t>(hex_value(line[i + 2]) * 16 +
                                                              hex_value(line[i + 3])));
                    i += 3;
                    continue;
                }
                token.push_back(static_cast<std::uint8_t>(line[i + 1]));
                ++i;
                continue;
            }
            token.push_back(static_cast<std::uint8_t>(line[i]));
        }
        if (!token.empty()) {
            tokens.push_back(std::move(token));
        }
    }
    return tokens;
}

void run_one(const bytes& input) {
    // Hand the target a copy of exactly `size` bytes on the heap, so ASan sees any overread.
    std::vector<std::uint8_t> copy(input);
    LLVMFuzzerTestOneInput(copy.empty() ? nullptr : copy.data(), copy.size());
}

bytes mutate(const std::vector<bytes>& corpus,
             const std::vector<bytes>& dictionary,
             prng& rng,
             std::size_t max_len) {
    bytes out = corpus[rng.below(corpus.size())];
    const std::size_t rounds = 1 + rng.below(4);
    for (std::size_t r = 0; r < rounds; ++r) {
        switch (rng.below(8)) {
        case 0: // flip a bit
            if (!out.empty()) {
                out[rng.below(out.size())] ^= static_cast<std::uint8_t>(1u << rng.below(8));
            }
            break;
        case 1: { // set a byte to an interesting value
            static constexpr std::uint8_t interesting[] = {
                0, 1, 0x7F, 0x80, 0xFF, '"', '{', '}', '[', ']', ':', ',', '\\', '\'', '(', ')'};
            if (!out.empty()) {
                out[rng.below(out.size())] = interesting[rng.below(sizeof interesting)];
            }
            break;
        }
        case 2: // truncate
            out.resize(rng.below(out.size() + 1));
            break;
        case 3: // delete a chunk
            if (!out.empty()) {
                const std::size_t at = rng.below(out.size());
                const std::size_t n = 1 + rng.below(std::min<std::size_t>(16, out.size() - at));
                out.erase(out.begin() + static_cast<std::ptrdiff_t>(at),
                          out.begin() + static_cast<std::ptrdiff_t>(at + n));
            }
            break;
        case 4: // duplicate a chunk
            if (!out.empty()) {
                const std::size_t at = rng.below(out.size());
                const std::size_t n = 1 + rng.below(std::min<std::size_t>(64, out.size() - at));
                const bytes chunk(out.begin() + static_cast<std::ptrdiff_t>(at),
                                  out.begin() + static_cast<std::ptrdiff_t>(at + n));
                out.insert(out.begin() + static_cast<std::ptrdiff_t>(rng.below(out.size() + 1)),
                           chunk.begin(),
                           chunk.end());
            }
            break;
        case 5: { // splice with another input
            const bytes& other = corpus[rng.below(corpus.size())];
            const std::size_t keep = rng.below(out.size() + 1);
            const std::size_t from = rng.below(other.size() + 1);
            out.resize(keep);
            out.insert(out.end(), other.begin() + static_cast<std::ptrdiff_t>(from), other.end());
            break;
        }
        case 6: // insert a dictionary token
        case 7:
            if (!dictionary.empty()) {
                const bytes& token = dictionary[rng.below(dictionary.size())];
                out.insert(out.begin() + static_cast<std::ptrdiff_t>(rng.below(out.size() + 1)),
                           token.begin(),
                           token.end());
            } else if (!out.empty()) {
                out[rng.below(out.size())] = static_cast<std::uint8_t>(rng.next());
            }
            break;
        }
    }
    if (out.size() > max_len) {
        out.resize(max_len);
    }
    return out;
}

} // namespace

int main(int argc, char** argv) {
    std::filesystem::path seed_dir;
    std::filesystem::path dict_file;
    std::size_t iterations = 1000;
    std::size_t max_len = default_max_len;
    std::uint64_t seed = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool has_value = i + 1 < argc;
        if (arg == "--iterations" && has_value) {
            iterations = std::strtoull(argv[++i], nullptr, 10);
        } else if (arg == "--dict" && has_value) {
            dict_file = argv[++i];
        } else if (arg == "--max-len" && has_value) {
            max_len = std::strtoull(argv[++i], nullptr, 10);
        } else if (arg == "--seed" && has_value) {
            seed = std::strtoull(argv[++i], nullptr, 10);
        } else if (!arg.empty() && arg[0] != '-') {
            seed_dir = arg;
        } else {
            std::fprintf(
                stderr,
                "usage: %s SEED_DIR [--iterations N] [--dict FILE] [--max-len BYTES] [--seed N]\n",
                argv[0]);
            return 2;
        }
    }

    std::vector<std::filesystem::path> seed_files;
    std::error_code ec;
    if (!seed_dir.empty()) {
        for (std::filesystem::directory_iterator it(seed_dir, ec), end; !ec && it != end;
             it.increment(ec)) {
            if (it->is_regular_file()) {
                seed_files.push_back(it->path());
            }
        }
    }
    std::sort(seed_files.begin(), seed_files.end());
    std::vector<bytes> corpus;
    for (const auto& f : seed_files) {
        corpus.push_back(read_file(f));
        run_one(corpus.back());
    }
    corpus.emplace_back(); // the empty input is always worth a try
    run_one(corpus.back());
    const std::vector<bytes> dictionary =
        dict_file.empty() ? std::vector<bytes>{} : read_dictionary(dict_file);

    prng rng(seed);
    for (std::size_t i = 0; i < iterations; ++i) {
        bytes input = mutate(corpus, dictionary, rng, max_len);
        run_one(input);
        // Keep some mutants as parents, so mutations compound across iterations.
        if (rng.below(8) == 0) {
            if (corpus.size() < max_corpus) {
                corpus.push_back(std::move(input));
            } else {
                corpus[seed_files.size() + rng.below(corpus.size() - seed_files.size())] =
                    std::move(input);
            }
        }
    }
    std::printf("%zu seeds and %zu mutations ran without a crash\n", seed_files.size(), iterations);
    return 0;
}
