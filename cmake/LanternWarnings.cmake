# Warnings for every Lantern target; -Werror when LANTERN_WERROR is set (CI).
# Targets link lantern_warnings; targets that also compile Qt-generated code (QML cache, moc) apply
# LANTERN_WARNING_FLAGS to their own source files only, since generated code is not ours to fix.
if(MSVC)
  set(LANTERN_WARNING_FLAGS /W4 /permissive-)
  if(LANTERN_WERROR)
    list(APPEND LANTERN_WARNING_FLAGS /WX)
  endif()
else()
  set(LANTERN_WARNING_FLAGS -Wall -Wextra -Wpedantic -Wshadow=local -Wnon-virtual-dtor -Wcast-align -Wunused
    -Woverloaded-virtual -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough -Wno-missing-field-initializers)
  if(LANTERN_WERROR)
    list(APPEND LANTERN_WARNING_FLAGS -Werror)
  endif()
endif()
add_library(lantern_warnings INTERFACE)
target_compile_options(lantern_warnings INTERFACE $<$<COMPILE_LANGUAGE:CXX>:${LANTERN_WARNING_FLAGS}>)

if(LANTERN_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
