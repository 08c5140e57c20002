#!/usr/bin/env bash
# Cross-builds the ARM64 NEON kernel check (tests/inference/cpu/neon/neonkernelcheck.cpp) with
# aarch64-linux-gnu-g++ and runs it under qemu-aarch64: the NEON kernels against the scalar ones and
# inference/reference, and the ISA detection (qemu's default CPU "max" has the dot-product extension,
# -cpu cortex-a53 has not). Only the inference/cpu sources the kernels need and their small dependencies are
# built (no Vulkan, no PCRE2, no Qt). The ctest `cpu_neon_cross` (label cross) runs it.
#
#   scripts/lib/aarch64.sh [--out DIR] [--timing]
#
# Missing tools are a failure, not a skip: CI installs them (LANTERN_PACKAGING_DEB_PACKAGES in setup.sh).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/build/aarch64"
timing=()
while (($#)); do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --timing) timing=(--timing); shift ;;
    *) echo "usage: $0 [--out DIR] [--timing]" >&2; exit 2 ;;
  esac
done

cxx=aarch64-linux-gnu-g++
qemu=qemu-aarch64
sysroot=/usr/aarch64-linux-gnu
missing=()
command -v "$cxx" >/dev/null 2>&1 || missing+=(g++-aarch64-linux-gnu)
command -v "$qemu" >/dev/null 2>&1 || missing+=(qemu-user)
command -v ninja >/dev/null 2>&1 || missing+=(ninja-build)
if ((${#missing[@]})); then
  echo "FAIL: the ARM64 cross check needs these Debian packages: ${missing[*]}" >&2
  echo "      (apt-get install -y ${missing[*]}; scripts/test installs them)" >&2
  exit 1
fi

# The kernels, their registration and what those call (threads, scratch, the exact-mode table, its
# dequantizer and the f16 helpers of ops.cpp, GGUF type traits), and the reference dequantizer the check compares against.
sources=(
  inference/cpu/isa.cpp inference/cpu/matmul.cpp inference/cpu/scratch.cpp inference/cpu/threadpool.cpp
  inference/cpu/matmul_block32.cpp inference/cpu/matmul_block32_scalar.cpp inference/cpu/matmul_block32_neon.cpp
  inference/cpu/matmul_kquants.cpp inference/cpu/matmul_kquants_scalar.cpp inference/cpu/matmul_kquants_neon.cpp
  inference/cpu/exactkernels.cpp inference/cpu/dequant.cpp inference/cpu/ops.cpp
  inference/gguf/types.cpp inference/reference/weights.cpp
  tests/inference/cpu/neon/neonkernelcheck.cpp
)

mkdir -p "$out"
# A small ninja file: incremental (depfiles), two jobs, warnings are errors as in CI.
{
  echo "cxx = $cxx"
  echo "flags = -O2 -std=c++23 -Wall -Wextra -Werror -pthread -I$root"
  echo "rule cc"
  echo "  command = \$cxx \$flags \$extra -MMD -MF \$out.d -c \$in -o \$out"
  echo "  depfile = \$out.d"
  echo "  deps = gcc"
  echo "  description = aarch64 \$in"
  echo "rule link"
  echo "  command = \$cxx -pthread \$in -o \$out"
  echo "  description = aarch64 link \$out"
  objs=()
  for s in "${sources[@]}"; do
    o="obj/${s//\//_}.o"
    objs+=("$o")
    echo "build $o: cc $root/$s"
    [[ $s == *_neon.cpp ]] && echo "  extra = -march=armv8.2-a+dotprod"
    # ops.cpp's x86-only hasF16c() is unused on ARM64 (a warning for its owner); shown, not fatal here.
    [[ $s == */ops.cpp ]] && echo "  extra = -Wno-error=unused-function"
  done
  echo "build neonkernelcheck: link ${objs[*]}"
} >"$out/build.ninja.new"
cmp -s "$out/build.ninja.new" "$out/build.ninja" 2>/dev/null || mv "$out/build.ninja.new" "$out/build.ninja"
rm -f "$out/build.ninja.new"
ninja -C "$out" -j 2 neonkernelcheck

echo "== qemu-aarch64 (cpu max: has the dot-product extension)"
"$qemu" -L "$sysroot" "$out/neonkernelcheck" --expect-isa neon "${timing[@]}"
echo "== qemu-aarch64 -cpu cortex-a53 (no dot-product extension: detection must say scalar)"
"$qemu" -L "$sysroot" -cpu cortex-a53 "$out/neonkernelcheck" --expect-isa scalar
