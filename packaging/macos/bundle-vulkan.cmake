# Install-time step for Lantern.app (macOS only; ../macos.cmake runs it with install(CODE) after Qt's deploy
# script). Variables: APP (the installed .app), VULKAN_LOADER (libvulkan.1.dylib), MOLTENVK (libMoltenVK.dylib),
# MOLTENVK_ICD (MoltenVK_icd.json as Homebrew or the LunarG SDK installs it).
#  1. Contents/Frameworks gets the Vulkan loader and MoltenVK (real files, not the symlinks).
#  2. Contents/Resources/vulkan/icd.d/MoltenVK_icd.json, with library_path relative to the json itself:
#     the loader looks there first inside a bundle, so the app never depends on a system-wide Vulkan.
#  3. lantern-cli and lantern-engine (the engine process the app starts from its own folder) move from
#     <prefix>/bin into Contents/MacOS.
#  4. Every executable and library in the bundle refers to non-system libraries by @rpath or
#     @executable_path/@loader_path only: references into /opt/homebrew or /usr/local that macdeployqt left
#     (lantern-cli and lantern-engine, which it does not see) are pointed at the copy in Frameworks; one without a copy fails.
cmake_minimum_required(VERSION 3.25)
foreach(v APP VULKAN_LOADER MOLTENVK MOLTENVK_ICD)
  if(NOT EXISTS "${${v}}")
    message(FATAL_ERROR "bundle-vulkan: ${v} '${${v}}' does not exist (configure with -DLANTERN_MOLTENVK_DIR=...)")
  endif()
endforeach()
set(fw ${APP}/Contents/Frameworks)
file(MAKE_DIRECTORY ${fw} ${APP}/Contents/Resources/vulkan/icd.d)

# 1. The dylibs, under the names the loader and the ICD json use; ids @rpath so that nothing points outside.
foreach(pair "${VULKAN_LOADER}|libvulkan.1.dylib" "${MOLTENVK}|libMoltenVK.dylib")
  string(REPLACE "|" ";" pair "${pair}")
  list(GET pair 0 src)
  list(GET pair 1 name)
  file(REAL_PATH ${src} real)
  file(COPY_FILE ${real} ${fw}/${name} ONLY_IF_DIFFERENT)
  file(CHMOD ${fw}/${name} PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  execute_process(COMMAND install_name_tool -id @rpath/${name} ${fw}/${name} COMMAND_ERROR_IS_FATAL ANY)
endforeach()

# 2. The ICD manifest: Contents/Resources/vulkan/icd.d/ -> ../../../ is Contents/.
file(READ ${MOLTENVK_ICD} icd)
string(JSON icd SET "${icd}" ICD library_path "\"../../../Frameworks/libMoltenVK.dylib\"")
file(WRITE ${APP}/Contents/Resources/vulkan/icd.d/MoltenVK_icd.json "${icd}\n")

# 3. The command-line tool and the engine process inside the bundle.
get_filename_component(prefix ${APP} DIRECTORY)
foreach(tool lantern-cli lantern-engine)
  if(EXISTS ${prefix}/bin/${tool})
    file(RENAME ${prefix}/bin/${tool} ${APP}/Contents/MacOS/${tool})
  endif()
endforeach()
file(GLOB left ${prefix}/bin/*)
if(EXISTS ${prefix}/bin AND NOT left)
  file(REMOVE_RECURSE ${prefix}/bin)
endif()

# 4. Rewrite and audit the references of every Mach-O file in the bundle.
file(GLOB_RECURSE files LIST_DIRECTORIES false ${APP}/Contents/MacOS/* ${fw}/*.dylib ${APP}/Contents/PlugIns/*.dylib)
set(bad "")
foreach(f IN LISTS files)
  execute_process(COMMAND otool -L ${f} OUTPUT_VARIABLE deps RESULT_VARIABLE rc ERROR_QUIET)
  if(NOT rc EQUAL 0)
    continue()  # not Mach-O
  endif()
  string(REGEX MATCHALL "\n\t(/opt/homebrew|/usr/local)[^ ]+" refs "${deps}")
  foreach(ref IN LISTS refs)
    string(STRIP "${ref}" ref)
    get_filename_component(name ${ref} NAME)
    if(EXISTS ${fw}/${name})
      execute_process(COMMAND install_name_tool -change ${ref} @rpath/${name} ${f} COMMAND_ERROR_IS_FATAL ANY)
    else()
      list(APPEND bad "${f} -> ${ref}")
    endif()
  endforeach()
  if(f MATCHES "/Contents/MacOS/")
    execute_process(COMMAND otool -l ${f} OUTPUT_VARIABLE cmds)
    if(NOT cmds MATCHES "@executable_path/../Frameworks")
      execute_process(COMMAND install_name_tool -add_rpath @executable_path/../Frameworks ${f} COMMAND_ERROR_IS_FATAL ANY)
    endif()
  endif()
endforeach()
if(bad)
  list(JOIN bad "\n  " bad)
  message(FATAL_ERROR "bundle-vulkan: libraries outside the bundle with no copy in Frameworks:\n  ${bad}")
endif()
message(STATUS "Lantern.app: Vulkan loader, MoltenVK and its ICD json bundled; no reference leaves the bundle")
