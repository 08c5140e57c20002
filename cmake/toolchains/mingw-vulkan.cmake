# Vulkan for a Windows cross build, where no Vulkan SDK exists (included by the root CMakeLists.txt when
# cross-compiling for WIN32). Two facts make it simple:
#  - The Vulkan headers are the same on every platform, so the build machine's (Debian's libvulkan-dev) are
#    copied into the build tree: adding the host's /usr/include itself would let glibc headers shadow mingw's.
#  - Nothing links the loader: Vulkan-Hpp's vk::raii::Context loads vulkan-1.dll with LoadLibrary at run time
#    and fetches every entry point through vkGetInstanceProcAddr (what volk does for C code). So lantern-cli.exe
#    starts without a Vulkan driver, and vulkan-1.dll (the driver's, never ours) is not an import.
# Defines the same targets as FindVulkan: Vulkan::Vulkan (headers only here) and Vulkan::glslangValidator.
find_path(LANTERN_HOST_VULKAN_INCLUDE vulkan/vulkan_raii.hpp NO_CMAKE_FIND_ROOT_PATH REQUIRED)
set(lantern_vk_headers ${CMAKE_BINARY_DIR}/vulkan-headers)
foreach(dir vulkan vk_video)
  if(EXISTS ${LANTERN_HOST_VULKAN_INCLUDE}/${dir})
    file(COPY ${LANTERN_HOST_VULKAN_INCLUDE}/${dir} DESTINATION ${lantern_vk_headers})
  endif()
endforeach()
file(STRINGS ${lantern_vk_headers}/vulkan/vulkan_core.h lantern_vk_line REGEX "^#define VK_HEADER_VERSION ")
string(REGEX MATCH "[0-9]+$" lantern_vk_patch "${lantern_vk_line}")
message(STATUS "Vulkan headers (VK_HEADER_VERSION ${lantern_vk_patch}) from ${LANTERN_HOST_VULKAN_INCLUDE} (no loader linked)")

add_library(Vulkan::Vulkan INTERFACE IMPORTED)
set_target_properties(Vulkan::Vulkan PROPERTIES INTERFACE_INCLUDE_DIRECTORIES ${lantern_vk_headers})
add_executable(Vulkan::glslangValidator IMPORTED)
set_target_properties(Vulkan::glslangValidator PROPERTIES IMPORTED_LOCATION ${Vulkan_GLSLANG_VALIDATOR_EXECUTABLE})
