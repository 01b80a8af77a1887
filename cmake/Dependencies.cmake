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
  Threads::Threads nlohmann_json::nlohmann_json spdlog::spdlog fmt::fmt CURL::libcurl
  OpenSSL::Crypto PkgConfig::LIBARCHIVE PkgConfig::TOMLPP CLI11::CLI11)

target_compile_definitions(ptinstall_thirdparty INTERFACE SPDLOG_FMT_EXTERNAL)
