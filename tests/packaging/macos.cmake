# package_macos: what of Lantern.app can be checked without a Mac (the bundle itself is built in
# .github/workflows/macos.yml). Info.plist.in is configured with project()'s version by the same function
# packaging/macos.cmake uses and read with Python's plistlib (packaging/macos/check-plists.py: required keys
# and types, versions equal project()'s, bundle id); lantern.entitlements must be a plist without
# hardened-runtime exceptions; lantern.icns must decode (icns2png -l) with the 16..512 px icons; the
# install-time scripts must parse. Broken copies made at test time (a version that is not project()'s, a
# missing key, an entitlement exception, a truncated icon) must be refused, so each check is known to fail.
# This file is both the registration (included by CMakeLists.txt) and the test (cmake -P).

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  cmake_minimum_required(VERSION 3.25)
  foreach(tool PYTHON ICNS2PNG)
    if(NOT ${tool} OR NOT EXISTS "${${tool}}")
      message(FATAL_ERROR "${tool} not found ('${${tool}}'): python3 and icns2png (icnsutils) are needed; "
        "./scripts/test installs them")
    endif()
  endforeach()
  set(mac ${SOURCE_DIR}/packaging/macos)
  include(${mac}/info-plist.cmake)
  file(MAKE_DIRECTORY ${WORKDIR})

  # Runs check-plists.py; sets ${out} to "" on success, else to its complaint.
  function(check_plists out)
    execute_process(COMMAND ${PYTHON} ${mac}/check-plists.py ${ARGN}
      RESULT_VARIABLE rc OUTPUT_VARIABLE o ERROR_VARIABLE e)
    if(rc EQUAL 0)
      set(${out} "" PARENT_SCOPE)
    else()
      set(${out} "rc ${rc}: ${e}${o}" PARENT_SCOPE)
    endif()
  endfunction()
  # Icons in lantern.icns: 16, 32, 48, 128, 256, 512 px (packaging/icons/make-icons); ${out} "" when all decode.
  function(check_icns file out)
    execute_process(COMMAND ${ICNS2PNG} -l ${file} RESULT_VARIABLE rc OUTPUT_VARIABLE o ERROR_VARIABLE e)
    if(NOT rc EQUAL 0)
      set(${out} "icns2png -l failed (${rc}): ${e}" PARENT_SCOPE)
      return()
    endif()
    foreach(size 16 32 128 256 512)
      if(NOT o MATCHES " ${size}x${size} 32-bit icon")
        set(${out} "no ${size}x${size} icon in ${file}:\n${o}" PARENT_SCOPE)
        return()
      endif()
    endforeach()
    set(${out} "" PARENT_SCOPE)
  endfunction()
  function(expect_refused what why)
    if(NOT why)
      message(FATAL_ERROR "broken copy accepted (${what}): the check cannot fail")
    endif()
    string(REGEX REPLACE "\n.*" "" first "${why}")
    message(STATUS "refused as expected (${what}): ${first}")
  endfunction()

  # The real files.
  lantern_configure_info_plist(${WORKDIR}/Info.plist VERSION ${VERSION} APP_ID ${APP_ID})
  check_plists(why --info ${WORKDIR}/Info.plist --version ${VERSION} --app-id ${APP_ID}
    --entitlements ${mac}/lantern.entitlements)
  if(why)
    message(FATAL_ERROR "Info.plist or entitlements: ${why}")
  endif()
  check_icns(${SOURCE_DIR}/packaging/icons/lantern.icns why)
  if(why)
    message(FATAL_ERROR "lantern.icns: ${why}")
  endif()
  # The install-time scripts parse and stop with their own message when given nothing to work on.
  execute_process(COMMAND ${CMAKE_COMMAND} -DAPP=${WORKDIR}/none.app -P ${mac}/bundle-vulkan.cmake
    ERROR_VARIABLE e RESULT_VARIABLE rc)
  if(rc EQUAL 0 OR NOT e MATCHES "bundle-vulkan: APP")
    message(FATAL_ERROR "bundle-vulkan.cmake did not stop at the missing bundle: ${e}")
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} -DCPACK_TEMPORARY_DIRECTORY=${WORKDIR}/none -P ${mac}/sign-bundle.cmake
    ERROR_VARIABLE e RESULT_VARIABLE rc)
  if(rc EQUAL 0 OR NOT e MATCHES "sign-bundle: no .app")
    message(FATAL_ERROR "sign-bundle.cmake did not stop at the missing bundle: ${e}")
  endif()
  message(STATUS "ok: Info.plist ${VERSION}, lantern.entitlements, lantern.icns, install scripts")

  # Broken copies.
  file(READ ${mac}/Info.plist.in template)
  string(REPLACE "<string>@LANTERN_VERSION@</string>" "<string>9.9.9</string>" t1 "${template}")
  string(REGEX REPLACE "<key>NSHighResolutionCapable</key>[ \t\r\n]*<true/>" "" t2 "${template}")
  foreach(kind wrong-version no-hidpi)
    if(kind STREQUAL "wrong-version")
      set(t "${t1}")
    else()
      set(t "${t2}")
    endif()
    if(t STREQUAL template)
      message(FATAL_ERROR "could not make the '${kind}' broken Info.plist.in")
    endif()
    file(WRITE ${WORKDIR}/${kind}.plist.in "${t}")
    set(LANTERN_INFO_PLIST_TEMPLATE ${WORKDIR}/${kind}.plist.in)
    lantern_configure_info_plist(${WORKDIR}/${kind}.plist VERSION ${VERSION} APP_ID ${APP_ID})
    check_plists(why --info ${WORKDIR}/${kind}.plist --version ${VERSION} --app-id ${APP_ID})
    expect_refused(${kind} "${why}")
  endforeach()
  file(READ ${mac}/lantern.entitlements ent)
  string(REPLACE "<dict>" "<dict>\n\t<key>com.apple.security.get-task-allow</key>\n\t<true/>" ent "${ent}")
  file(WRITE ${WORKDIR}/debuggable.entitlements "${ent}")
  check_plists(why --entitlements ${WORKDIR}/debuggable.entitlements)
  expect_refused(get-task-allow "${why}")
  file(WRITE ${WORKDIR}/not-a-plist.entitlements "<plist><dict><key>x</key></plist>")
  check_plists(why --entitlements ${WORKDIR}/not-a-plist.entitlements)
  expect_refused(malformed-entitlements "${why}")
  # CMake cannot write binary files, so Python cuts the icon after its first 4000 bytes.
  execute_process(COMMAND ${PYTHON} -c
    "import sys; d=open(sys.argv[1],'rb').read(); open(sys.argv[2],'wb').write(d[:4000])"
    ${SOURCE_DIR}/packaging/icons/lantern.icns ${WORKDIR}/truncated.icns COMMAND_ERROR_IS_FATAL ANY)
  check_icns(${WORKDIR}/truncated.icns why)
  expect_refused(truncated-icns "${why}")
  return()
endif()

# Registration. Missing tools are failures, not skips (./scripts/test installs python3 and icnsutils).
find_program(LANTERN_ICNS2PNG icns2png)
find_program(LANTERN_PYTHON3 python3)
add_test(NAME package_macos COMMAND ${CMAKE_COMMAND}
  -DPYTHON=${LANTERN_PYTHON3} -DICNS2PNG=${LANTERN_ICNS2PNG}
  -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DVERSION=${PROJECT_VERSION} -DAPP_ID=${LANTERN_APP_ID}
  -DWORKDIR=${CMAKE_CURRENT_BINARY_DIR}/macos
  -P ${CMAKE_CURRENT_LIST_FILE})
set_tests_properties(package_macos PROPERTIES LABELS package TIMEOUT 60)
