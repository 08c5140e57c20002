#pragma once
// The replay half of every fuzz target (label fuzz, every build): each committed seed of a corpus folder runs
// through the target's entry point, then a fixed number of deterministic mutants of each (bit flips,
// truncations, extreme numbers, byte runs copied, tokens of the target's dictionary inserted, pieces of other
// seeds spliced in). An entry point traps (__builtin_trap) when an invariant breaks; a crash, a trap or, in
// the sanitizer build, any memory error fails the test. The same entry points run under libFuzzer with
// -DLANTERN_FUZZ=ON (fuzzmain.cpp).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace lantern::fuzz {

using Entry = bool (*)(const uint8_t* data, size_t size);

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

inline std::vector<uint8_t> mutate(const std::vector<uint8_t>& seed,
                                   const std::vector<std::vector<uint8_t>>& all,
                                   const std::vector<std::string_view>& dictionary, Rng& rng) {
    std::vector<uint8_t> m = seed;
    const int edits = 1 + int(rng.below(4));
    for (int e = 0; e < edits; ++e) {
        const size_t at = rng.below(m.size() + 1);
        switch (rng.below(8)) {
            case 0:  // flip bits in one byte
                if (!m.empty()) {
                    m[rng.below(m.size())] ^= uint8_t(1u << rng.below(8));
                }
                break;
            case 1:  // truncate
                m.resize(rng.below(m.size() + 1));
                break;
            case 2: {  // an extreme number written as text (lengths, counts, ids, timings)
                static const char* const numbers[] = {"0",
                                                      "-1",
                                                      "4294967295",
                                                      "9223372036854775807",
                                                      "1e309",
                                                      "-9223372036854775808",
                                                      "18446744073709551616",
                                                      "NaN",
                                                      "1e-400"};
                const std::string_view n = numbers[rng.below(std::size(numbers))];
                m.insert(m.begin() + std::ptrdiff_t(at), n.begin(), n.end());
                break;
            }
            case 3: {  // copy a run of bytes elsewhere
                if (m.empty()) {
                    break;
                }
                const size_t from = rng.below(m.size()), to = rng.below(m.size());
                const size_t n = std::min({size_t(1 + rng.below(64)), m.size() - from, m.size() - to});
                std::memmove(m.data() + to, m.data() + from, n);
                break;
            }
            case 4:
            case 5: {  // a token of the format, inserted (or repeated many times: nesting, long runs)
                if (dictionary.empty()) {
                    break;
                }
                const std::string_view t = dictionary[rng.below(dictionary.size())];
                const size_t times = rng.below(8) == 0 ? 1 + rng.below(300) : 1;
                std::vector<uint8_t> run;
                for (size_t i = 0; i < times; ++i) {
                    run.insert(run.end(), t.begin(), t.end());
                }
                m.insert(m.begin() + std::ptrdiff_t(at), run.begin(), run.end());
                break;
            }
            case 6: {  // a piece of another seed spliced in
                const std::vector<uint8_t>& other = all[rng.below(all.size())];
                if (other.empty()) {
                    break;
                }
                const size_t from = rng.below(other.size());
                const size_t n = std::min(size_t(1 + rng.below(256)), other.size() - from);
                m.insert(m.begin() + std::ptrdiff_t(at), other.begin() + std::ptrdiff_t(from),
                         other.begin() + std::ptrdiff_t(from + n));
                break;
            }
            default:  // random byte (control characters, high bytes, broken UTF-8)
                if (!m.empty()) {
                    m[rng.below(m.size())] = uint8_t(rng.next());
                }
                break;
        }
    }
    if (m.size() > (64u << 10)) {
        m.resize(64u << 10);
    }
    return m;
}

// Runs `entry` over every file in tests/fuzz/<corpus> and `mutantsPerSeed` mutants of each. Returns the exit
// code: 0, or 1 when the corpus is missing or smaller than `minSeeds`.
inline int replay(const char* name, const char* corpus, Entry entry, int mutantsPerSeed,
                  const std::vector<std::string_view>& dictionary, size_t minSeeds = 3) {
    const char* root = std::getenv("LANTERN_TEST_DATA");  // tests/data; the corpora sit next to it
    const std::filesystem::path dir = std::filesystem::path(root ? root : "tests/data") / "../fuzz" / corpus;
    std::vector<std::pair<std::string, std::vector<uint8_t>>> seeds;
    std::error_code ec;
    for (const auto& file : std::filesystem::directory_iterator(dir, ec)) {
        std::ifstream in(file.path(), std::ios::binary);
        seeds.emplace_back(
            file.path().filename().string(),
            std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
    }
    std::sort(seeds.begin(), seeds.end());
    if (seeds.size() < minSeeds) {
        std::printf("FAIL: %s: the corpus %s has %zu seeds (expected at least %zu)\n", name,
                    dir.string().c_str(), seeds.size(), minSeeds);
        return 1;
    }
    std::vector<std::vector<uint8_t>> all;
    for (const auto& s : seeds) {
        all.push_back(s.second);
    }
    // LANTERN_FUZZ_LAST=FILE: each input is written there before it runs, so the one that crashed is kept.
    const char* last = std::getenv("LANTERN_FUZZ_LAST");
    const auto keep = [last](const std::vector<uint8_t>& bytes) {
        if (last) {
            std::ofstream(last, std::ios::binary)
                .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
        }
    };
    const auto start = std::chrono::steady_clock::now();
    size_t accepted = 0;
    for (const auto& [file, bytes] : seeds) {
        if (last) {
            std::printf("%s\n", file.c_str());
            std::fflush(stdout);
        }
        keep(bytes);
        accepted += entry(bytes.data(), bytes.size()) ? 1 : 0;
    }
    Rng rng{0x9E3779B97F4A7C15ull};
    size_t runs = 0, acceptedMutants = 0;
    double slowest = 0;
    for (const auto& seed : all) {
        for (int i = 0; i < mutantsPerSeed; ++i) {
            const std::vector<uint8_t> m = mutate(seed, all, dictionary, rng);
            keep(m);
            const auto t0 = std::chrono::steady_clock::now();
            acceptedMutants += entry(m.data(), m.size()) ? 1 : 0;
            slowest = std::max(slowest,
                               std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
            ++runs;
        }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf(
        "%s: %zu seeds (%zu accepted), %zu mutants (%zu accepted, %zu rejected cleanly) in %.1f s, "
        "slowest %.0f ms\n",
        name, seeds.size(), accepted, runs, acceptedMutants, runs - acceptedMutants, seconds, slowest * 1e3);
    return 0;
}

}  // namespace lantern::fuzz
