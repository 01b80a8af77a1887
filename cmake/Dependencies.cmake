# Every dependency comes from Debian 12's packages; nothing is downloaded at configure time.
find_package(Threads REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(CURL REQUIRED)
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBARCHIVE REQUIRED IMPORTED_TARGET libarchive)
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)

# Third-party libraries every layer may use from its .cpp files (never from public headers:
# nlohmann/json, toml++ and CLI11 are heavy to parse and would slow every translation unit).
add_library(ptinstall_thirdparty INTERFACE)
target_link_libraries(ptinstall_thirdparty INTERFACE
  Threads::Threads nlohmann_json::nlohmann_json spdlog::spdlog fmt::fmt
  OpenSSL::Crypto PkgConfig::TOMLPP CLI11::CLI11)

# libcurl and libarchive pull in ~35 more shared objects (nghttp2, gnutls, krb5, ldap, libxml2, icu,
# ...) whose relocation was most of the start-up time of every command. With PTINSTALL_LAZY_LIBS
# the binaries do not link them: src/util/lazy_{curl,archive}.cpp define their C API and dlopen
# libcurl.so.4 / libarchive.so.13 (the sonames of Debian 12's libcurl4 and libarchive13) on the
# first call. OFF links both as usual (for a tool that wants them in DT_NEEDED).
option(PTINSTALL_LAZY_LIBS "Load libcurl and libarchive on first use instead of at start-up" ON)
if(PTINSTALL_LAZY_LIBS)
  # Their headers only: the include directories and definitions of the imported targets, no library.
  foreach(lib CURL::libcurl PkgConfig::LIBARCHIVE)
    target_include_directories(ptinstall_thirdparty INTERFACE $<TARGET_PROPERTY:${lib},INTERFACE_INCLUDE_DIRECTORIES>)
    target_compile_definitions(ptinstall_thirdparty INTERFACE $<TARGET_PROPERTY:${lib},INTERFACE_COMPILE_DEFINITIONS>)
  endforeach()
  target_link_libraries(ptinstall_thirdparty INTERFACE ${CMAKE_DL_LIBS})
  # The sonames src/util/lazy_lib.cpp opens must be those of the libraries found here.
  foreach(pair "CURL_LIBRARIES;libcurl.so.4" "pkgcfg_lib_LIBARCHIVE_archive;libarchive.so.13")
    list(GET pair 0 var)
    list(GET pair 1 soname)
    foreach(lib IN LISTS ${var})
      get_filename_component(real "${lib}" REALPATH)
      get_filename_component(real "${real}" NAME)
      string(REPLACE "." "\\." pattern "${soname}")
      if(real MATCHES "^lib(curl|archive)\\.so" AND NOT real MATCHES "^${pattern}(\\.|$)")
        message(FATAL_ERROR "${lib} is ${real}, not ${soname}: update the soname in src/util/lazy_lib.cpp "
                            "or configure with -DPTINSTALL_LAZY_LIBS=OFF")
      endif()
    endforeach()
  endforeach()
else()
  target_link_libraries(ptinstall_thirdparty INTERFACE CURL::libcurl PkgConfig::LIBARCHIVE)
endif()

target_compile_definitions(ptinstall_thirdparty INTERFACE SPDLOG_FMT_EXTERNAL)
