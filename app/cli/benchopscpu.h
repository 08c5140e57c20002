#pragma once
// The CPU backend's half of `lantern-cli bench-ops` (benchopscpu.cpp).
#include <cstdint>

namespace lantern::cli {

int benchOpsCpu(uint64_t mib, int reps, unsigned threads, bool json);

}  // namespace lantern::cli
