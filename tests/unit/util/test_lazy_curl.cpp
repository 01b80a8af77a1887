// The libcurl C API through the forwarding functions of src/util/lazy_curl.cpp (with
// -DPTINSTALL_LAZY_LIBS=OFF, straight into libcurl: the same checks hold). Each argument type of the
// variadic setopt/getinfo functions is observed through what libcurl does with it against the
// loopback test server, so an argument read with the wrong type fails a check, not just a call.
#include <catch2/catch.hpp>
#include <curl/curl.h>

#include <string>
#include <vector>

#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/lazy_libs.hpp"
#include "ptinstall/util/subprocess.hpp"
#include "support/test_server.hpp"
#include "support/tls_cert.hpp"

using namespace ptinstall;

namespace {

// The bytes of the test server's pattern(): (i % 251).
std::string pattern(std::size_t n, std::size_t start = 0) {
  std::string s;
  for (std::size_t i = start; i < start + n; ++i) s += static_cast<char>(i % 251);
  return s;
}

size_t collect(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

struct Easy {
  CURL* h = curl_easy_init();
  std::string body;
  Easy() {
    REQUIRE(h);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &collect);  // a function pointer
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);         // an object pointer
  }
  ~Easy() { curl_easy_cleanup(h); }
  CURLcode get(const std::string& url) {
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());  // a string
    return curl_easy_perform(h);
  }
  long status() {
    long code = 0;
    REQUIRE(curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK);  // a long*
    return code;
  }
};

}  // namespace

TEST_CASE("lazy curl: require_curl loads libcurl", "[util][lazy]") {
  REQUIRE_NOTHROW(util::require_curl());
  CHECK(util::curl_loaded());
  CHECK(std::string(curl_version()).rfind("libcurl/", 0) == 0);
  CHECK(curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK);
  CHECK(std::string(curl_easy_strerror(CURLE_OK)) == "No error");
  CHECK(std::string(curl_multi_strerror(CURLM_BAD_HANDLE)) == "Invalid multi handle");
  curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  REQUIRE(info);
  CHECK(info->version_num >= 0x074400);  // 7.68: curl_multi_wakeup/curl_multi_poll
}

TEST_CASE("lazy curl: long options and long/string getinfo", "[util][lazy]") {
  auto& server = test::shared_server();
  SECTION("FOLLOWLOCATION 0 stops at the redirect") {
    Easy e;
    curl_easy_setopt(e.h, CURLOPT_FOLLOWLOCATION, 0L);
    REQUIRE(e.get(server.url("/redirect")) == CURLE_OK);
    CHECK(e.status() == 302);
    char* location = nullptr;
    REQUIRE(curl_easy_getinfo(e.h, CURLINFO_REDIRECT_URL, &location) == CURLE_OK);  // a char**
    REQUIRE(location);
    CHECK(std::string(location) == server.url("/static/redirected"));
  }
  SECTION("FOLLOWLOCATION 1 follows it") {
    Easy e;
    curl_easy_setopt(e.h, CURLOPT_FOLLOWLOCATION, 1L);
    REQUIRE(e.get(server.url("/redirect")) == CURLE_OK);
    CHECK(e.status() == 200);
    CHECK(e.body == "hello redirected");
    char* effective = nullptr;
    REQUIRE(curl_easy_getinfo(e.h, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK);
    CHECK(std::string(effective) == server.url("/static/redirected"));
    long redirects = 0;
    CHECK(curl_easy_getinfo(e.h, CURLINFO_REDIRECT_COUNT, &redirects) == CURLE_OK);
    CHECK(redirects == 1);
  }
  SECTION("MAXREDIRS bounds a loop") {
    Easy e;
    curl_easy_setopt(e.h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e.h, CURLOPT_MAXREDIRS, 3L);
    CHECK(e.get(server.url("/redirect-loop")) == CURLE_TOO_MANY_REDIRECTS);
    long redirects = 0;
    curl_easy_getinfo(e.h, CURLINFO_REDIRECT_COUNT, &redirects);
    CHECK(redirects == 3);
  }
}

TEST_CASE("lazy curl: string, slist and private-pointer options", "[util][lazy]") {
  auto& server = test::shared_server();
  Easy e;
  curl_slist* headers = curl_slist_append(nullptr, "X-Lazy: forwarded");
  headers = curl_slist_append(headers, "X-Second: too");
  REQUIRE(headers);
  curl_easy_setopt(e.h, CURLOPT_USERAGENT, "lazy-agent/1");
  curl_easy_setopt(e.h, CURLOPT_HTTPHEADER, headers);
  int marker = 7;
  curl_easy_setopt(e.h, CURLOPT_PRIVATE, &marker);
  REQUIRE(e.get(server.url("/headers")) == CURLE_OK);
  curl_slist_free_all(headers);
  CHECK(e.body.find("user-agent: lazy-agent/1\n") != std::string::npos);
  CHECK(e.body.find("x-lazy: forwarded\n") != std::string::npos);
  CHECK(e.body.find("x-second: too\n") != std::string::npos);
  char* priv = nullptr;
  REQUIRE(curl_easy_getinfo(e.h, CURLINFO_PRIVATE, &priv) == CURLE_OK);
  CHECK(static_cast<void*>(priv) == &marker);
  double total = -1;
  REQUIRE(curl_easy_getinfo(e.h, CURLINFO_TOTAL_TIME, &total) == CURLE_OK);  // a double*
  CHECK(total >= 0.0);
  curl_slist* engines = reinterpret_cast<curl_slist*>(1);
  REQUIRE(curl_easy_getinfo(e.h, CURLINFO_SSL_ENGINES, &engines) == CURLE_OK);  // a curl_slist**
  CHECK(engines != reinterpret_cast<curl_slist*>(1));
  curl_slist_free_all(engines);
}

TEST_CASE("lazy curl: off_t options and off_t getinfo", "[util][lazy]") {
  auto& server = test::shared_server();
  SECTION("RESUME_FROM_LARGE starts the body at an offset") {
    Easy e;
    curl_easy_setopt(e.h, CURLOPT_RESUME_FROM_LARGE, static_cast<curl_off_t>(9000));
    REQUIRE(e.get(server.url("/range")) == CURLE_OK);
    CHECK(e.status() == 206);
    CHECK(e.body == pattern(1000, 9000));
    curl_off_t size = 0;
    REQUIRE(curl_easy_getinfo(e.h, CURLINFO_SIZE_DOWNLOAD_T, &size) == CURLE_OK);  // a curl_off_t*
    CHECK(size == 1000);
  }
  SECTION("MAXFILESIZE_LARGE refuses a larger body, a 2^40 limit does not") {
    Easy small;
    curl_easy_setopt(small.h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(100));
    CHECK(small.get(server.url("/bytes?n=1000")) == CURLE_FILESIZE_EXCEEDED);
    Easy large;
    curl_easy_setopt(large.h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(1) << 40);
    CHECK(large.get(server.url("/bytes?n=1000")) == CURLE_OK);
    CHECK(large.body == pattern(1000));
  }
}

TEST_CASE("lazy curl: a blob option (CAINFO_BLOB) verifies a TLS server", "[util][lazy][tls]") {
  util::TempDir dir;
  auto made = test::self_signed_cert(dir.path());
  if (!made) {
    WARN("openssl not found (or failed): blob test skipped");
    return;
  }
  const std::string cert = made->cert, key = made->key;
  test::TestServer tls({"--tls", cert, key});
  std::string url = tls.base("https") + "/static/blob";
  {
    Easy e;
    curl_easy_setopt(e.h, CURLOPT_CAINFO, "/nonexistent/ca.pem");
    curl_easy_setopt(e.h, CURLOPT_CAPATH, "/nonexistent");
    CHECK(e.get(url) != CURLE_OK);
  }
  {
    std::string pem = util::read_file(cert);
    curl_blob blob{pem.data(), pem.size(), CURL_BLOB_COPY};
    Easy e;
    REQUIRE(curl_easy_setopt(e.h, CURLOPT_CAINFO_BLOB, &blob) == CURLE_OK);
    REQUIRE(e.get(url) == CURLE_OK);
    CHECK(e.body == "hello blob");
  }
}

namespace {

struct TimerLog {
  int calls = 0;
  CURLM* seen = nullptr;
};

int on_timer(CURLM* multi, long /*timeout_ms*/, void* user) {
  auto* log = static_cast<TimerLog*>(user);
  ++log->calls;
  log->seen = multi;
  return 0;
}

struct ShareLog {
  int locks = 0;
  int unlocks = 0;
};

void on_lock(CURL*, curl_lock_data, curl_lock_access, void* user) { ++static_cast<ShareLog*>(user)->locks; }
void on_unlock(CURL*, curl_lock_data, void* user) { ++static_cast<ShareLog*>(user)->unlocks; }

}  // namespace

TEST_CASE("lazy curl: multi options (long, callback, pointer) and a multi transfer", "[util][lazy]") {
  auto& server = test::shared_server();
  CURLM* multi = curl_multi_init();
  REQUIRE(multi);
  TimerLog log;
  CHECK(curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, 4L) == CURLM_OK);
  CHECK(curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &on_timer) == CURLM_OK);
  CHECK(curl_multi_setopt(multi, CURLMOPT_TIMERDATA, &log) == CURLM_OK);
  CHECK(curl_multi_setopt(multi, static_cast<CURLMoption>(CURLOPTTYPE_LONG + 9999), 1L) == CURLM_UNKNOWN_OPTION);
  {
    Easy e;
    curl_easy_setopt(e.h, CURLOPT_URL, server.url("/static/multi").c_str());
    REQUIRE(curl_multi_add_handle(multi, e.h) == CURLM_OK);
    CHECK(log.calls >= 1);  // adding a handle sets a timeout
    CHECK(log.seen == multi);
    int running = 1;
    while (running) {
      REQUIRE(curl_multi_perform(multi, &running) == CURLM_OK);
      if (running) REQUIRE(curl_multi_poll(multi, nullptr, 0, 1000, nullptr) == CURLM_OK);
    }
    int left = 0;
    CURLMsg* msg = curl_multi_info_read(multi, &left);
    REQUIRE(msg);
    CHECK(msg->msg == CURLMSG_DONE);
    CHECK(msg->easy_handle == e.h);
    CHECK(msg->data.result == CURLE_OK);
    CHECK(e.body == "hello multi");
    CHECK(curl_multi_remove_handle(multi, e.h) == CURLM_OK);
  }
  CHECK(curl_multi_wakeup(multi) == CURLM_OK);
  CHECK(curl_multi_cleanup(multi) == CURLM_OK);
}

TEST_CASE("lazy curl: share options (int, callbacks, user data)", "[util][lazy]") {
  auto& server = test::shared_server();
  CURLSH* share = curl_share_init();
  REQUIRE(share);
  ShareLog log;
  CHECK(curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) == CURLSHE_OK);
  CHECK(curl_share_setopt(share, CURLSHOPT_LOCKFUNC, &on_lock) == CURLSHE_OK);
  CHECK(curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, &on_unlock) == CURLSHE_OK);
  CHECK(curl_share_setopt(share, CURLSHOPT_USERDATA, &log) == CURLSHE_OK);
  CHECK(curl_share_setopt(share, static_cast<CURLSHoption>(99), 0L) == CURLSHE_BAD_OPTION);
  // A data type that cannot be shared is refused: the int arrived as that value.
  CHECK(curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_LAST) == CURLSHE_BAD_OPTION);
  {
    Easy e;
    curl_easy_setopt(e.h, CURLOPT_SHARE, share);
    REQUIRE(e.get(server.url("/static/shared")) == CURLE_OK);
    CHECK(e.body == "hello shared");
  }
  CHECK(log.locks > 0);  // the DNS cache lives in the share: libcurl locked it through our callbacks
  CHECK(log.locks == log.unlocks);
  CHECK(std::string(curl_share_strerror(CURLSHE_OK)) == "No error");
  CHECK(curl_share_cleanup(share) == CURLSHE_OK);
}
