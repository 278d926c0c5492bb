# One helper makes every component target, so flags and naming stay uniform.
#
#   ensign_component(NAME <name> SOURCES <files...> [DEPS <targets...>] [PRIVATE_DEPS <targets...>])
#
# creates the static library ensign_<name> with the alias ensign::<name>; headers are included
# as "<folder>/<file>.h" from src/.

set(ENSIGN_WARNINGS
    -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wnon-virtual-dtor -Wold-style-cast)
set(ENSIGN_HARDENING -fstack-protector-strong)

add_library(ensign_build_flags INTERFACE)
target_compile_options(ensign_build_flags INTERFACE ${ENSIGN_WARNINGS} ${ENSIGN_HARDENING})
target_link_options(ensign_build_flags INTERFACE -Wl,-z,relro,-z,now)
if(NOT CMAKE_BUILD_TYPE STREQUAL "Debug" AND NOT ENSIGN_SANITIZE AND NOT ENSIGN_FUZZ)
  target_compile_definitions(ensign_build_flags INTERFACE _FORTIFY_SOURCE=2)
endif()
if(ENSIGN_WERROR)
  target_compile_options(ensign_build_flags INTERFACE -Werror)
endif()
if(ENSIGN_SANITIZE)
  target_compile_options(ensign_build_flags INTERFACE
      -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(ensign_build_flags INTERFACE -fsanitize=address,undefined)
  target_compile_definitions(ensign_build_flags INTERFACE ENSIGN_SANITIZED=1)
endif()
if(ENSIGN_FUZZ)
  target_compile_options(ensign_build_flags INTERFACE -fsanitize=fuzzer-no-link,address,undefined)
  target_link_options(ensign_build_flags INTERFACE -fsanitize=address,undefined)
  target_compile_definitions(ensign_build_flags INTERFACE ENSIGN_SANITIZED=1)
endif()

function(ensign_component)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  set(target ensign_${ARG_NAME})
  add_library(${target} STATIC ${ARG_SOURCES})
  add_library(ensign::${ARG_NAME} ALIAS ${target})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${target} PUBLIC ensign_build_flags ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

# ensign_executable(NAME <name> SOURCES <files...> DEPS <targets...>): a shipped binary, built PIE.
function(ensign_executable)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE ensign_build_flags ${ARG_DEPS})
  target_link_options(${ARG_NAME} PRIVATE -pie)
  set_target_properties(${ARG_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bin)
endfunction()
