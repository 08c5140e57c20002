#pragma once
// A read-only pass over memory with the widest loads the ISA has: what streaming weights from memory can cost at
// best on this machine (the decode roofline `lantern-cli bench-ops --device cpu` prints).
#include <cstddef>
#include <cstdint>

namespace lantern::cpu {

// Sums the 64-bit words of [p, p + bytes) (bytes a multiple of 64); the sum only keeps the loads alive.
uint64_t readStream(const std::byte* p, uint64_t bytes);

}  // namespace lantern::cpu
