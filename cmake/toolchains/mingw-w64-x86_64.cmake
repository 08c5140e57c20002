# Cross-compiling for 64-bit Windows with Debian's mingw-w64 (g++-mingw-w64-x86-64-posix: the posix thread
# model, which std::thread and std::mutex need). Used by scripts/package-windows:
#   cmake -S . -B build-mingw -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/mingw-w64-x86_64.cmake \
#         -DLANTERN_ENGINE_ONLY=ON -DLANTERN_MINGW_DEPS=<prefix of the libraries built for mingw (PCRE2)>
# Headers, libraries and pkg-config files are searched for only in the mingw sysroot and LANTERN_MINGW_DEPS,
# never in the build machine's /usr; programs (glslangValidator, spirv-val, makensis) only on the build machine.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR AMD64)

set(LANTERN_MINGW_TRIPLE x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${LANTERN_MINGW_TRIPLE}-gcc-posix)
set(CMAKE_CXX_COMPILER ${LANTERN_MINGW_TRIPLE}-g++-posix)
set(CMAKE_RC_COMPILER ${LANTERN_MINGW_TRIPLE}-windres)
set(CMAKE_AR ${LANTERN_MINGW_TRIPLE}-gcc-ar-posix CACHE FILEPATH "")
set(CMAKE_RANLIB ${LANTERN_MINGW_TRIPLE}-gcc-ranlib-posix CACHE FILEPATH "")
# Windows runs .exe files only: CMake itself need not try (and Wine may be absent at configure time).
set(CMAKE_CROSSCOMPILING_EMULATOR "")

set(CMAKE_FIND_ROOT_PATH /usr/${LANTERN_MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(LANTERN_MINGW_DEPS "" CACHE PATH "Prefix holding libraries cross-built for mingw (lib/, include/, lib/pkgconfig)")
if(LANTERN_MINGW_DEPS)
  list(APPEND CMAKE_FIND_ROOT_PATH ${LANTERN_MINGW_DEPS})
  # pkg-config reads only the mingw prefix's .pc files, never the build machine's.
  set(ENV{PKG_CONFIG_LIBDIR} ${LANTERN_MINGW_DEPS}/lib/pkgconfig)
  set(ENV{PKG_CONFIG_PATH} "")
endif()

# The DLLs the mingw runtime consists of (libstdc++-6, libgcc_s_seh-1, libwinpthread-1): where
# install(RUNTIME_DEPENDENCY_SET) finds them, and how it reads a PE's imports on a Linux host.
set(LANTERN_MINGW_RUNTIME_DIRS /usr/lib/gcc/${LANTERN_MINGW_TRIPLE}/12-posix /usr/${LANTERN_MINGW_TRIPLE}/lib)
set(CMAKE_GET_RUNTIME_DEPENDENCIES_PLATFORM windows+pe)
set(CMAKE_GET_RUNTIME_DEPENDENCIES_TOOL objdump)
set(CMAKE_GET_RUNTIME_DEPENDENCIES_COMMAND ${LANTERN_MINGW_TRIPLE}-objdump)
