# -DPTINSTALL_PORTABLE=ON: one binary for any x86_64 Linux with a glibc at least as new as the symbols
# it uses (docs/portable.md gives the floor). libcurl, libarchive, OpenSSL and their dependencies, the
# C++ runtime and toml++/spdlog/fmt (header-only) are linked in; glibc stays dynamic (NSS and dlopen
# need it). Everything comes from Debian 12's static libraries (lib*.a of the -dev packages that
# ./scripts/package installs), except what Debian ships no static library for:
#   * MIT Kerberos (libkrb5-dev has no libgssapi_krb5.a): libcurl.a calls GSS-API for SPNEGO/Kerberos
#     authentication;
#   * p11-kit (libp11-kit-dev has no .a), which GnuTLS needs, which librtmp.a needs;
#   * libldap.a needs libsasl2.a, whose static build drags in Berkeley DB, MySQL, PostgreSQL and SQLite.
# ptinstall never uses them (net/http_client.cpp limits libcurl to http, https and file, with basic
# authentication only), so src/portable_disabled_protocols.cpp answers those entry points with
# failures instead, and the binary links without them.
option(PTINSTALL_PORTABLE "Link libcurl, libarchive, OpenSSL and the C++ runtime statically (glibc stays dynamic)" OFF)
if(NOT PTINSTALL_PORTABLE)
  return()
endif()
if(PTINSTALL_LAZY_LIBS)
  message(FATAL_ERROR "PTINSTALL_PORTABLE=ON needs -DPTINSTALL_LAZY_LIBS=OFF (nothing is loaded at run time)")
endif()

set(PTINSTALL_STATIC_LIBS
  curl nghttp2 idn2 ssh2 psl ssl crypto zstd brotlidec brotlicommon
  archive nettle acl lzma lz4 bz2 xml2 icuuc icudata unistring z)
set(static_paths "")
foreach(name IN LISTS PTINSTALL_STATIC_LIBS)
  find_library(PTINSTALL_STATIC_${name} NAMES lib${name}.a REQUIRED NO_CACHE)
  list(APPEND static_paths ${PTINSTALL_STATIC_${name}})
endforeach()

# toml++, spdlog and fmt as header-only libraries (Debian ships them as shared libraries only).
set_property(TARGET ptinstall_thirdparty PROPERTY INTERFACE_LINK_LIBRARIES
  Threads::Threads nlohmann_json::nlohmann_json CLI11::CLI11 ${CMAKE_DL_LIBS})
set_property(TARGET ptinstall_thirdparty APPEND PROPERTY INTERFACE_INCLUDE_DIRECTORIES
  $<TARGET_PROPERTY:spdlog::spdlog,INTERFACE_INCLUDE_DIRECTORIES>
  $<TARGET_PROPERTY:fmt::fmt,INTERFACE_INCLUDE_DIRECTORIES>
  $<TARGET_PROPERTY:CURL::libcurl,INTERFACE_INCLUDE_DIRECTORIES>
  $<TARGET_PROPERTY:PkgConfig::LIBARCHIVE,INTERFACE_INCLUDE_DIRECTORIES>
  )
set_property(TARGET ptinstall_thirdparty APPEND PROPERTY INTERFACE_COMPILE_DEFINITIONS
  SPDLOG_HEADER_ONLY FMT_HEADER_ONLY TOML_HEADER_ONLY=1 CURL_STATICLIB)
# Static archives last, in dependency order (each after the libraries that use it).
set_property(TARGET ptinstall_thirdparty APPEND PROPERTY INTERFACE_LINK_LIBRARIES ${static_paths} ${CMAKE_DL_LIBS})
target_sources(ptinstall PRIVATE ${PROJECT_SOURCE_DIR}/src/portable_disabled_protocols.cpp
                                 ${PROJECT_SOURCE_DIR}/src/portable_glibc_compat.cpp)
target_link_options(ptinstall PRIVATE -static-libstdc++ -static-libgcc)
