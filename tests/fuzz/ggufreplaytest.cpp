// The GGUF reader against its fuzzing corpus and a fixed budget of deterministic mutations, in every build
// (label fuzz). The corpus (tests/fuzz/corpus, written by scripts/golden/fuzz_corpus.py with gguf-py) holds
// valid files of every metadata type, nested arrays and tensors of several types, in GGUF v2 and v3, and
// broken ones. valid-* must parse and bad-* must be rejected with an error naming the file; then every seed
// is mutated (bit flips, truncation, length and count fields set to huge values, byte runs copied elsewhere)
// and each mutant must be parsed or rejected cleanly: a crash, a trap in runGguf, or (in the sanitizer
// build) any memory error fails the test. With -DLANTERN_FUZZ=ON the libFuzzer target runs as well.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "tests/fuzz/ggufentry.h"

namespace {

struct Rng {
    uint64_t s;
    uint64_t next() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return s;
    }
    size_t below(size_t n) { return n == 0 ? 0 : size_t(next() % n); }
};

std::vector<uint8_t> mutate(const std::vector<uint8_t>& seed, Rng& rng) {
    std::vector<uint8_t> m = seed;
    const int edits = 1 + int(rng.below(4));
    for (int e = 0; e < edits && !m.empty(); ++e) {
        switch (rng.below(5)) {
            case 0:  // flip bits in one byte
                m[rng.below(m.size())] ^= uint8_t(1u << rng.below(8));
                break;
            case 1:  // truncate
                m.resize(rng.below(m.size()));
                break;
            case 2: {  // a length or count field set to an extreme value (fields are 4 or 8 bytes,
                       // little-endian)
                static const uint64_t extremes[] = {0,
                                                    1,
                                                    0x7FFFFFFFull,
                                                    0xFFFFFFFFull,
                                                    0x100000000ull,
                                                    0x7FFFFFFFFFFFFFFFull,
                                                    0xFFFFFFFFFFFFFFFFull,
                                                    0xFFFFFFF0ull};
                const uint64_t v = extremes[rng.below(std::size(extremes))];
                const size_t at = rng.below(m.size()) & ~size_t(3);
                const size_t width = rng.below(2) ? 8 : 4;
                for (size_t i = 0; i < width && at + i < m.size(); ++i) {
                    m[at + i] = uint8_t(v >> (8 * i));
                }
                break;
            }
            case 3: {  // copy a run of bytes elsewhere
                const size_t from = rng.below(m.size()), to = rng.below(m.size());
                const size_t n = std::min({size_t(1 + rng.below(32)), m.size() - from, m.size() - to});
                std::memmove(m.data() + to, m.data() + from, n);
                break;
            }
            default:  // random byte
                m[rng.below(m.size())] = uint8_t(rng.next());
                break;
        }
    }
    return m;
}

}  // namespace

int main() {
    const char* root = std::getenv("LANTERN_TEST_DATA");  // tests/data; the corpus sits next to it
    const std::filesystem::path corpus = std::filesystem::path(root ? root : "tests/data") / "../fuzz/corpus";
    std::vector<std::pair<std::string, std::vector<uint8_t>>> seeds;
    for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
        std::ifstream in(entry.path(), std::ios::binary);
        seeds.emplace_back(
            entry.path().filename().string(),
            std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
    }
    std::sort(seeds.begin(), seeds.end());
    int failures = 0, valid = 0, bad = 0;
    for (const auto& [name, bytes] : seeds) {
        const bool parsed = lantern::fuzz::runGguf(bytes.data(), bytes.size());
        if (name.starts_with("valid-")) {
            valid++;
            if (!parsed) {
                std::printf("FAIL: %s should parse\n", name.c_str());
                failures++;
            }
        } else if (name.starts_with("bad-")) {
            bad++;
            if (parsed) {
                std::printf("FAIL: %s should be rejected\n", name.c_str());
                failures++;
            }
        }
    }
    if (valid < 3 || bad < 3) {
        std::printf("FAIL: corpus at %s has %d valid and %d bad seeds (expected at least 3 of each)\n",
                    corpus.string().c_str(), valid, bad);
        return 1;
    }
    constexpr int kMutationsPerSeed = 4000;
    Rng rng{0x9E3779B97F4A7C15ull};
    size_t runs = 0, parsedMutants = 0;
    for (const auto& seed : seeds) {
        for (int i = 0; i < kMutationsPerSeed; ++i) {
            const std::vector<uint8_t> m = mutate(seed.second, rng);
            parsedMutants += lantern::fuzz::runGguf(m.data(), m.size()) ? 1 : 0;
            ++runs;
        }
    }
    std::printf("%zu seeds (%d valid, %d bad), %zu mutants: %zu parsed, %zu rejected cleanly\n", seeds.size(),
                valid, bad, runs, parsedMutants, runs - parsedMutants);
    return failures == 0 ? 0 : 1;
}
