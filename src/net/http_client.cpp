#include "ptinstall/net/http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "ptinstall/net/header_values.hpp"
#include "ptinstall/net/keyring.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/messages.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/url.hpp"

#ifndef PTINSTALL_VERSION
#define PTINSTALL_VERSION "0"
#endif

namespace ptinstall::net {

namespace {

using Clock = std::chrono::steady_clock;

const char* first_env(std::initializer_list<const char*> names, const char** which) {
  for (const char* n : names) {
    const char* v = std::getenv(n);
    if (v && *v) {
      if (which) *which = n;
      return v;
    }
  }
  return nullptr;
}

double env_number(std::initializer_list<const char*> names, double fallback, bool allow_zero) {
  const char* which = nullptr;
  const char* v = first_env(names, &which);
  if (!v) return fallback;
  return parse_number_setting(which, v, allow_zero);
}

std::string realm_of(const util::Url& u) {
  return u.scheme + "://" + u.host + ":" + std::to_string(u.effective_port());
}

bool transient_curl_error(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_BAD_CONTENT_ENCODING:
      return true;
    default:
      return false;
  }
}

std::string describe_size(std::uint64_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

bool transient_status(long status) { return status == 408 || status == 429 || (status >= 500 && status <= 599); }

std::string reason_phrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 410: return "Gone";
    case 416: return "Range Not Satisfiable";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

struct Transfer {
  Request request;
  StreamHandler handler;
  std::promise<Response> promise;
  util::Url url;                // without credentials
  std::string redacted;         // for messages
  std::string username, password;
  bool has_credentials = false;
  bool keyring_asked = false;   // a 401 already went to the keyring (asked once per transfer)
  bool no_auth = false;         // under an index with `authenticate = "never"`: no netrc, no keyring
  std::string realm;            // scheme://host:port
  int max_retries = 0;
  int attempt = 0;              // attempts started
  Clock::time_point not_before{};
  Clock::time_point deadline{};  // set when the first attempt starts
  BodyLimit limit;

  // Across attempts: the streamed body the consumer holds, and how to continue it.
  std::uint64_t offset = 0;                 // bytes handed to the consumer and not taken back
  std::optional<std::string> validator;     // If-Range value; set when the body can be continued
  int resumed = 0;

  // Per attempt.
  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  Response response;
  bool decided = false;
  bool streaming = false;
  bool delivered = false;       // bytes handed to the consumer during this attempt
  bool resuming = false;        // this attempt asked for the body from `offset` on
  bool restart_whole = false;   // a resumed attempt got another range: start over from byte 0
  bool too_large = false;       // the body passed `limit`
  bool too_slow = false;        // fewer than min_rate bytes a second
  bool past_deadline = false;
  Clock::time_point window_start{};  // the rate window (read_timeout long) and its bytes
  std::uint64_t window_bytes = 0;
  std::uint64_t min_rate = 0;
  std::exception_ptr consumer_error;
  Clock::time_point last_activity{};
  Clock::time_point attempt_started{};  // for sequential_round_trips()
  std::chrono::milliseconds read_timeout{};
  bool timed_out = false;
  char errbuf[CURL_ERROR_SIZE] = {};

  void cleanup() {
    if (easy) curl_easy_cleanup(easy);
    easy = nullptr;
    if (header_list) curl_slist_free_all(header_list);
    header_list = nullptr;
  }
  ~Transfer() { cleanup(); }
};

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  t->last_activity = Clock::now();
  t->window_bytes += len;
  std::string_view line(data, len);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.substr(0, 5) == "HTTP/") {
    // A new response (redirect, 100 Continue, retry inside libcurl): forget the previous headers.
    t->response.headers.clear();
    auto parts = util::split(line, ' ');
    if (parts.size() >= 2) t->response.status = std::atoi(std::string(parts[1]).c_str());
    return len;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return len;
  std::string name = util::to_lower(util::trim(line.substr(0, colon)));
  std::string value(util::trim(line.substr(colon + 1)));
  auto [it, inserted] = t->response.headers.emplace(name, value);
  if (!inserted) it->second += ", " + value;
  return len;
}

// The consumer forgets what it holds (the body starts over from its first byte).
bool reset_consumer(Transfer* t) {
  t->validator.reset();
  if (t->offset == 0 && !t->delivered) return true;
  t->offset = 0;
  if (!t->handler.on_reset) return true;
  try {
    t->handler.on_reset();
    return true;
  } catch (...) {
    t->consumer_error = std::current_exception();
    return false;
  }
}

// The first body bytes of an attempt: where they go (the consumer, or Response::body for bodies kept
// in memory and error responses), whether a resumed attempt really continues the body, and whether
// the announced size fits the limit. False aborts the attempt.
bool decide(Transfer* t) {
  t->decided = true;
  long code = 0;
  curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &code);
  if (t->url.scheme == "file") code = 200;
  bool success = code >= 200 && code < 300;
  bool continues = false;
  if (t->resuming && success) {
    std::uint64_t expected = (t->request.range ? t->request.range->start : 0) + t->offset;
    auto range = t->response.header("content-range");
    auto parsed = range ? parse_content_range(*range) : std::nullopt;
    continues = code == 206 && parsed && parsed->first == expected;
    if (!continues && code == 206) {  // some other range: neither the rest nor the whole body
      t->restart_whole = true;
      return false;
    }
    if (continues) ++t->resumed;
    else if (!reset_consumer(t)) return false;  // 200: the whole body again (it changed, or no ranges)
  }
  t->streaming = t->handler.on_chunk && success;
  curl_off_t announced = -1;
  curl_easy_getinfo(t->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &announced);
  std::uint64_t base = t->streaming ? t->offset : 0;
  if (announced >= 0 && base + static_cast<std::uint64_t>(announced) > t->limit.bytes) {
    t->too_large = true;
    return false;
  }
  if (t->streaming && !continues) {
    if (t->request.resume && !(t->request.range && t->request.range->suffix)) {
      if (t->request.if_range) t->validator = t->request.if_range;
      else t->validator = resume_validator(t->response.headers);
    }
    if (t->handler.on_headers) {
      try {
        t->handler.on_headers(static_cast<int>(code), t->response.headers);
      } catch (...) {
        t->consumer_error = std::current_exception();
        return false;
      }
    }
    if (t->handler.on_start) {
      try {
        t->handler.on_start(announced >= 0 ? std::optional<std::uint64_t>(static_cast<std::uint64_t>(announced))
                                           : std::nullopt);
      } catch (...) {
        t->consumer_error = std::current_exception();
        return false;
      }
    }
  }
  return true;
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  t->last_activity = Clock::now();
  t->window_bytes += len;
  if (!t->decided && !decide(t)) return 0;
  std::uint64_t held = t->streaming ? t->offset : t->response.body.size();
  if (held + len > t->limit.bytes) {
    t->too_large = true;
    return 0;
  }
  if (t->streaming) {
    try {
      t->handler.on_chunk(std::string_view(data, len));
      t->delivered = true;
      t->offset += len;
    } catch (...) {
      t->consumer_error = std::current_exception();
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
  } else {
    t->response.body.append(data, len);
  }
  return len;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  auto now = Clock::now();
  if (now > t->deadline) {
    t->past_deadline = true;
    return 1;
  }
  if (now - t->last_activity > t->read_timeout) {
    t->timed_out = true;
    return 1;  // aborts with CURLE_ABORTED_BY_CALLBACK, reported as a timeout
  }
  // Bytes that keep coming, but too few: a server dripping its answer never trips the timeout above.
  if (now - t->window_start >= t->read_timeout) {
    auto secs = std::chrono::duration_cast<std::chrono::milliseconds>(now - t->window_start).count() / 1000.0;
    if (static_cast<double>(t->window_bytes) < secs * static_cast<double>(t->min_rate)) {
      t->timed_out = t->too_slow = true;
      return 1;
    }
    t->window_start = now;
    t->window_bytes = 0;
  }
  return 0;
}

std::string describe_failure(CURLcode rc, const Transfer& t, std::string* hint, const ClientOptions& options) {
  std::string detail = util::to_lower(t.errbuf);
  const std::string network_hint =
      "check the URL (--index-url, --extra-index-url, --find-links), your network and proxy settings "
      "(--proxy, HTTPS_PROXY, NO_PROXY), or use --offline to answer from the cache";
  *hint = network_hint;
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
      return "could not resolve host " + t.url.host;
    case CURLE_COULDNT_RESOLVE_PROXY:
      return "could not resolve the proxy host";
    case CURLE_COULDNT_CONNECT:
      if (detail.find("refused") != std::string::npos || detail.find("couldn't connect") != std::string::npos)
        return "connection refused";
      return "could not connect";
    case CURLE_OPERATION_TIMEDOUT: {
      auto secs = [](std::chrono::milliseconds ms) { return std::to_string((ms.count() + 999) / 1000); };
      bool connecting = !t.timed_out;
      if (connecting) {
        *hint = "the server did not answer within " + secs(options.connect_timeout) +
                " s; raise UV_HTTP_CONNECT_TIMEOUT to wait longer";
        return "connection timed out";
      }
      if (t.too_slow) {
        *hint = "fewer than " + std::to_string(options.min_rate) + " bytes a second arrived for " +
                secs(options.read_timeout) + " s; raise --timeout or UV_HTTP_TIMEOUT (seconds) to wait longer";
        return "timed out (the server sends too slowly)";
      }
      *hint = "no data arrived for " + secs(options.read_timeout) +
              " s; raise --timeout or UV_HTTP_TIMEOUT (seconds) to wait longer";
      return "timed out";
    }
    case CURLE_PARTIAL_FILE:
      return "the connection closed before the whole body arrived";
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
      return "the connection was reset";
    case CURLE_GOT_NOTHING:
      return "the server closed the connection without a response";
    case CURLE_TOO_MANY_REDIRECTS:
      *hint = "";
      return "too many redirects";
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
      *hint = "give your certificate authorities with --cert FILE (or SSL_CERT_FILE, SSL_CERT_DIR), or pass "
              "--allow-insecure-host " + t.url.host + " if you trust this host";
      return "TLS certificate verification failed";
    case CURLE_UNSUPPORTED_PROTOCOL:
      *hint = "only http://, https:// and file:// URLs are supported";
      return "unsupported URL scheme '" + t.url.scheme + "'";
    default:
      return util::to_lower(curl_easy_strerror(rc));
  }
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

double parse_number_setting(std::string_view name, std::string_view text, bool allow_zero) {
  std::string s(util::trim(text));
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(d) || d < 0 || (!allow_zero && d == 0))
    throw util::Error("invalid value for " + std::string(name) + ": '" + s + "'",
                      allow_zero ? "expected a number >= 0" : "expected a number > 0");
  return d;
}

std::optional<std::string> Response::header(std::string_view lower_case_name) const {
  auto it = headers.find(std::string(lower_case_name));
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

ClientOptions ClientOptions::from_environment() {
  ClientOptions o;
  o.concurrency = static_cast<std::size_t>(
      env_number({"PTINSTALL_CONCURRENT_DOWNLOADS", "UV_CONCURRENT_DOWNLOADS"}, static_cast<double>(o.concurrency), false));
  o.retries = static_cast<int>(env_number({"PTINSTALL_HTTP_RETRIES", "UV_HTTP_RETRIES"}, o.retries, true));
  o.deadline = std::chrono::milliseconds(static_cast<long long>(
      1000 * env_number({"PTINSTALL_HTTP_DEADLINE"}, o.deadline.count() / 1000.0, false)));
  o.max_page_bytes = static_cast<std::uint64_t>(
      env_number({"PTINSTALL_HTTP_MAX_PAGE_SIZE"}, static_cast<double>(o.max_page_bytes >> 20), false) * 1048576.0);
  o.max_download_bytes = static_cast<std::uint64_t>(
      env_number({"PTINSTALL_HTTP_MAX_DOWNLOAD_SIZE"}, static_cast<double>(o.max_download_bytes >> 20), false) * 1048576.0);
  o.read_timeout = std::chrono::milliseconds(static_cast<long long>(
      1000 * env_number({"PTINSTALL_HTTP_TIMEOUT", "UV_HTTP_TIMEOUT", "UV_REQUEST_TIMEOUT"}, o.read_timeout.count() / 1000.0, false)));
  o.connect_timeout = std::chrono::milliseconds(static_cast<long long>(
      1000 * env_number({"PTINSTALL_HTTP_CONNECT_TIMEOUT", "UV_HTTP_CONNECT_TIMEOUT"}, o.connect_timeout.count() / 1000.0, false)));
  if (const char* f = first_env({"SSL_CERT_FILE"}, nullptr)) {
    if (std::filesystem::is_regular_file(f))
      o.ca_file = f;
    else
      util::log::warn(std::string("ignoring SSL_CERT_FILE: ") + f + " is not a file");
  }
  if (const char* d = first_env({"SSL_CERT_DIR"}, nullptr)) {
    if (std::filesystem::is_directory(d))
      o.ca_dir = d;
    else
      util::log::warn(std::string("ignoring SSL_CERT_DIR: ") + d + " is not a directory");
  }
  if (const char* n = first_env({"NETRC"}, nullptr)) o.netrc_file = std::filesystem::path(n);
  return o;
}

struct HttpClient::Impl {
  ClientOptions options;
  CURLM* multi = nullptr;
  std::thread thread;
  std::mutex mutex;                                    // guards incoming, stopping, credentials
  std::deque<std::unique_ptr<Transfer>> incoming;
  bool stopping = false;
  std::map<std::string, std::pair<std::string, std::string>> credentials;  // realm -> user, password
  std::atomic<std::uint64_t> count{0};
  // Start and end of every finished attempt, for sequential_round_trips() (-v).
  std::mutex spans_mutex;
  std::vector<std::pair<Clock::time_point, Clock::time_point>> spans;

  // Owned by the network thread.
  std::deque<std::unique_ptr<Transfer>> ready;
  std::vector<std::unique_ptr<Transfer>> delayed;      // waiting for their backoff to pass
  std::map<CURL*, std::unique_ptr<Transfer>> active;
  std::minstd_rand rng{std::random_device{}()};
  std::set<std::string> answered;                      // realms that answered at least once

  // --keyring-provider subprocess: transfers answered 401 wait here while one thread asks the
  // keyring (a program that may take seconds, or wait for a login), so other transfers go on.
  std::vector<std::pair<util::Url, AuthPolicy>> index_urls;  // guarded by `mutex`
  std::unique_ptr<Keyring> keyring;
  std::mutex keyring_mutex;
  std::condition_variable keyring_cv;
  std::deque<std::unique_ptr<Transfer>> keyring_queue;
  bool keyring_stopping = false;
  std::thread keyring_thread;

  explicit Impl(ClientOptions o) : options(std::move(o)) {
    if (options.concurrency == 0) options.concurrency = 1;
    if (options.user_agent.empty()) options.user_agent = std::string("ptinstall/") + PTINSTALL_VERSION;
  }

  // libcurl (loaded on first use: util/lazy_libs.hpp) and the network thread start with the first
  // request. A command answered from the caches alone (a warm resolution, a local install) never
  // loads libcurl, whose start-up (curl_global_init, TLS) costs more than such a command's own work.
  std::once_flag started_once;
  std::atomic<bool> started{false};
  void start_network() {
    std::call_once(started_once, [this] {
      global_init();
      multi = curl_multi_init();
      if (!multi) throw util::Error(util::ErrorKind::Network, "failed to initialise libcurl");
      curl_multi_setopt(multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
      curl_multi_setopt(multi, CURLMOPT_MAX_CONCURRENT_STREAMS, static_cast<long>(std::max<std::size_t>(options.concurrency, 1)));
      curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, static_cast<long>(std::max<std::size_t>(options.concurrency, 8)));
      thread = std::thread([this] { run(); });
      started = true;
    });
  }

  ~Impl() {
    if (!started) return;
    if (keyring_thread.joinable()) {
      {
        std::lock_guard lock(keyring_mutex);
        keyring_stopping = true;
      }
      keyring_cv.notify_all();
      keyring_thread.join();
    }
    {
      std::lock_guard lock(mutex);
      stopping = true;
    }
    curl_multi_wakeup(multi);
    if (thread.joinable()) thread.join();
    curl_multi_cleanup(multi);
  }

  bool insecure(const util::Url& u) const {
    for (const auto& h : options.insecure_hosts)
      if (util::host_matches(u, h)) return true;
    return false;
  }

  void enqueue(std::unique_ptr<Transfer> t) {
    try {
      start_network();
    } catch (...) {
      t->promise.set_exception(std::current_exception());
      return;
    }
    {
      std::lock_guard lock(mutex);
      if (stopping) {
        t->promise.set_exception(std::make_exception_ptr(util::msg::fetch_failed(t->redacted, "the HTTP client is shutting down")));
        return;
      }
      incoming.push_back(std::move(t));
    }
    curl_multi_wakeup(multi);
  }

  void fail(std::unique_ptr<Transfer>& t, std::exception_ptr e) {
    t->cleanup();
    t->promise.set_exception(std::move(e));
  }

  bool start(std::unique_ptr<Transfer>& t) {
    t->cleanup();
    t->response = Response{};
    t->decided = t->streaming = t->delivered = false;
    t->restart_whole = t->too_large = t->too_slow = t->past_deadline = false;
    t->consumer_error = nullptr;
    t->timed_out = false;
    t->errbuf[0] = '\0';
    if (t->attempt == 0) t->deadline = Clock::now() + options.deadline;
    ++t->attempt;
    // A streamed body that can be continued asks for the bytes after those the consumer holds.
    t->resuming = t->offset > 0 && t->validator.has_value();
    CURL* e = curl_easy_init();
    if (!e) {
      fail(t, std::make_exception_ptr(util::msg::fetch_failed(t->redacted, "libcurl could not create a transfer")));
      return false;
    }
    t->easy = e;
    const Request& r = t->request;
    std::string url = t->url.str();
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https,file");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, options.user_agent.c_str());
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, r.follow_redirects ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
    // The read timeout: no byte (header or body) for that long aborts the attempt (on_progress).
    t->last_activity = t->window_start = Clock::now();
    t->window_bytes = 0;
    t->read_timeout = options.read_timeout;
    t->min_rate = options.min_rate;
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, &on_progress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, t.get());
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    // Bigger reads than curl's 16 KiB default: a 1 GB wheel arrives in 4,000 callbacks, not 64,000
    // (each one a hand-off to the unpacking thread).
    curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 256L * 1024L);
    if (r.head) curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    std::optional<ByteRange> wanted = r.range;
    if (t->resuming) {
      if (!wanted) wanted = ByteRange{};
      wanted->start += t->offset;
    }
    if (r.decompress && !wanted) curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    std::string range;
    if (wanted) {
      if (wanted->suffix)
        range = "-" + std::to_string(wanted->start);
      else
        range = std::to_string(wanted->start) + "-" + (wanted->end ? std::to_string(*wanted->end) : "");
      curl_easy_setopt(e, CURLOPT_RANGE, range.c_str());  // copied by libcurl
    }
    for (const auto& [name, value] : r.headers) {
      std::string line = name + (value.empty() ? ";" : ": " + value);
      t->header_list = curl_slist_append(t->header_list, line.c_str());
    }
    if (t->resuming) t->header_list = curl_slist_append(t->header_list, ("If-Range: " + *t->validator).c_str());
    else if (r.range && r.if_range) t->header_list = curl_slist_append(t->header_list, ("If-Range: " + *r.if_range).c_str());
    if (t->header_list) curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->header_list);
    if (t->has_credentials) {
      // Sent preemptively (basic), only to this host: libcurl drops them on a redirect elsewhere.
      curl_easy_setopt(e, CURLOPT_USERNAME, t->username.c_str());
      curl_easy_setopt(e, CURLOPT_PASSWORD, t->password.c_str());
    }
    if (options.use_netrc && !t->no_auth) {
      curl_easy_setopt(e, CURLOPT_NETRC, static_cast<long>(CURL_NETRC_OPTIONAL));
      if (options.netrc_file) curl_easy_setopt(e, CURLOPT_NETRC_FILE, options.netrc_file->c_str());
    }
    if (!options.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, options.ca_file.c_str());
    if (!options.ca_dir.empty()) curl_easy_setopt(e, CURLOPT_CAPATH, options.ca_dir.c_str());
    if (insecure(t->url)) {
      curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    // An explicit proxy (--proxy, else the config file's per-scheme one) wins over the environment.
    // Without one, libcurl reads the environment; it reads http_proxy only in lower case (a CGI
    // safety measure we do not need), so HTTP_PROXY is added here. NO_PROXY applies either way.
    const std::string& scheme = t->url.scheme;
    std::string proxy = options.proxy;
    if (proxy.empty() && scheme == "https") proxy = options.https_proxy;
    if (proxy.empty() && scheme == "http") proxy = options.http_proxy;
    if (!proxy.empty() && (scheme == "http" || scheme == "https")) {
      curl_easy_setopt(e, CURLOPT_PROXY, proxy.c_str());  // copied by libcurl
    } else if (scheme == "http" && !std::getenv("http_proxy")) {
      if (const char* p = std::getenv("HTTP_PROXY"); p && *p) curl_easy_setopt(e, CURLOPT_PROXY, p);
    }
    if (options.no_proxy) curl_easy_setopt(e, CURLOPT_NOPROXY, options.no_proxy->c_str());
    CURLMcode mc = curl_multi_add_handle(multi, e);
    if (mc != CURLM_OK) {
      fail(t, std::make_exception_ptr(util::msg::fetch_failed(t->redacted, curl_multi_strerror(mc))));
      return false;
    }
    count.fetch_add(1, std::memory_order_relaxed);
    t->attempt_started = Clock::now();
    if (util::log::enabled(util::log::Level::Debug))
      util::log::debug(std::string(t->request.head ? "HEAD " : "GET ") + t->redacted +
                       (t->attempt > 1 ? " (attempt " + std::to_string(t->attempt) + ")" : "") +
                       (t->resuming ? " from byte " + std::to_string(t->offset) : ""));
    return true;
  }

  void finish(CURL* e, CURLcode rc) {
    auto it = active.find(e);
    if (it == active.end()) return;
    std::unique_ptr<Transfer> t = std::move(it->second);
    active.erase(it);
    curl_multi_remove_handle(multi, e);
    {
      std::lock_guard lock(spans_mutex);
      spans.emplace_back(t->attempt_started, Clock::now());
    }

    if (t->consumer_error) {
      fail(t, t->consumer_error);
      return;
    }
    auto secs = [](std::chrono::milliseconds ms) { return std::to_string((ms.count() + 999) / 1000); };
    if (t->too_large) {
      fail(t, std::make_exception_ptr(util::msg::fetch_failed(
                  t->redacted, "the response is larger than " + t->limit.what, t->limit.hint)));
      return;
    }
    if (t->past_deadline) {
      fail(t, std::make_exception_ptr(util::msg::fetch_failed(
                  t->redacted,
                  "no complete answer within " + secs(options.deadline) + " s" +
                      (t->attempt > 1 ? " (" + std::to_string(t->attempt) + " attempts)" : ""),
                  "raise PTINSTALL_HTTP_DEADLINE (seconds) to wait longer")));
      return;
    }
    if (t->timed_out) rc = CURLE_OPERATION_TIMEDOUT;
    if (t->restart_whole) rc = CURLE_PARTIAL_FILE;  // retried from byte 0 below
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    char* eff = nullptr;
    curl_easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &eff);
    if (eff) t->response.effective_url = eff;
    t->response.attempts = t->attempt;

    if (t->url.scheme == "file") {
      // file:// has no status line: report what an HTTP server would have said.
      if (rc == CURLE_OK) {
        status = 200;
      } else if (rc == CURLE_FILE_COULDNT_READ_FILE) {
        rc = CURLE_OK;
        status = 404;
        t->response.body.clear();
      }
    }
    t->response.status = static_cast<int>(status);
    t->response.resumed = t->resumed;
    if (rc == CURLE_OK && status == 401 && options.keyring && !t->keyring_asked && t->password.empty() &&
        !t->no_auth) {
      t->keyring_asked = true;
      t->cleanup();
      ask_keyring(std::move(t));
      return;
    }
    if (rc != CURLE_COULDNT_CONNECT && rc != CURLE_OPERATION_TIMEDOUT) answered.insert(t->realm);
    bool transient = rc != CURLE_OK ? transient_curl_error(rc) : transient_status(status);
    // A body shorter than the size it must have (the index declared it) was cut short.
    bool short_body = rc == CURLE_OK && t->streaming && t->limit.exact && t->offset < t->limit.bytes;
    // A resumed attempt the server cannot serve: start over from the first byte.
    bool bad_range = rc == CURLE_OK && t->resuming && status == 416;
    if (short_body || bad_range) transient = true;
    if (t->restart_whole || bad_range) {
      t->response.body.clear();
      if (!reset_consumer(t.get())) {
        fail(t, t->consumer_error);
        return;
      }
    }
    int allowed = t->max_retries;
    // A host that never answered and refuses connections is most likely down or mistyped, not flaky:
    // a few retries, not the full count (which suits a host that answered before).
    if (rc == CURLE_COULDNT_CONNECT && !answered.count(t->realm)) allowed = std::min(allowed, 3);
    if (transient && t->attempt <= allowed) {
      double base = static_cast<double>(options.retry_base_delay.count()) * std::pow(2.0, t->attempt - 1);
      base = std::min(base, static_cast<double>(options.retry_max_delay.count()));
      std::uniform_real_distribution<double> jitter(0.5, 1.0);
      auto delay = std::chrono::milliseconds(static_cast<long long>(base * jitter(rng)));
      if (rc == CURLE_OK) {
        if (auto after = t->response.header("retry-after")) {
          if (auto wait = parse_retry_after(*after, std::time(nullptr))) delay = std::max(delay, *wait);
        }
      }
      auto when = Clock::now() + delay;
      if (when < t->deadline) {
        std::string why = short_body ? "a body shorter than declared"
                          : rc != CURLE_OK ? util::to_lower(curl_easy_strerror(rc))
                                           : "HTTP " + std::to_string(status);
        util::log::debug("retrying " + t->redacted + " after " + why + " in " + std::to_string(delay.count()) + " ms");
        t->cleanup();
        // The consumer keeps its bytes when the next attempt can continue them; else it starts over.
        if (!t->validator || !t->request.resume) {
          if (!reset_consumer(t.get())) {
            fail(t, t->consumer_error);
            return;
          }
        }
        t->not_before = when;
        delayed.push_back(std::move(t));
        return;
      }
    }
    if (short_body) {
      fail(t, std::make_exception_ptr(util::msg::fetch_failed(
                  t->redacted, "the body ended after " + std::to_string(t->offset) + " of " + t->limit.what +
                                   (t->attempt > 1 ? " (after " + std::to_string(t->attempt) + " attempts)" : ""))));
      return;
    }
    if (rc != CURLE_OK) {
      std::string hint;
      std::string why = describe_failure(rc, *t, &hint, options);
      if (t->attempt > 1) why += " (after " + std::to_string(t->attempt) + " attempts)";
      util::log::debug("libcurl: " + std::string(t->errbuf));
      fail(t, std::make_exception_ptr(util::msg::fetch_failed(t->redacted, why, hint)));
      return;
    }
    t->cleanup();
    t->promise.set_value(std::move(t->response));
  }

  // The index URL a request belongs to (the longest that holds it), for the keyring's service name
  // and the index's `authenticate` policy. The caller holds `mutex`.
  const std::pair<util::Url, AuthPolicy>* index_of_locked(const util::Url& u) const {
    const std::pair<util::Url, AuthPolicy>* best = nullptr;
    for (const auto& entry : index_urls) {
      const util::Url& i = entry.first;
      if (i.scheme != u.scheme || i.host != u.host || i.effective_port() != u.effective_port()) continue;
      std::string base = i.path;
      while (!base.empty() && base.back() == '/') base.pop_back();
      if (u.path.compare(0, base.size(), base) != 0) continue;
      if (u.path.size() > base.size() && u.path[base.size()] != '/') continue;
      if (!best || best->first.path.size() < i.path.size()) best = &entry;
    }
    return best;
  }
  std::optional<util::Url> index_of(const util::Url& u) {
    std::lock_guard lock(mutex);
    if (const auto* entry = index_of_locked(u)) return entry->first;
    return std::nullopt;
  }

  void ask_keyring(std::unique_ptr<Transfer> t) {
    {
      std::lock_guard lock(keyring_mutex);
      if (!keyring) keyring = std::make_unique<Keyring>(options.keyring_program);
      if (!keyring_thread.joinable()) keyring_thread = std::thread([this] { keyring_loop(); });
      keyring_queue.push_back(std::move(t));
    }
    keyring_cv.notify_one();
  }

  void keyring_loop() {
    for (;;) {
      std::unique_ptr<Transfer> t;
      {
        std::unique_lock lock(keyring_mutex);
        keyring_cv.wait(lock, [this] { return keyring_stopping || !keyring_queue.empty(); });
        if (keyring_queue.empty()) return;
        t = std::move(keyring_queue.front());
        keyring_queue.pop_front();
        if (keyring_stopping) {
          t->promise.set_value(std::move(t->response));  // the 401 as it came
          continue;
        }
      }
      std::optional<util::Url> index = index_of(t->url);
      std::string username = t->has_credentials ? t->username : std::string();
      if (username.empty() && index && index->username) username = index->decoded_username();
      std::string index_url = index ? index->without_credentials().str() : std::string();
      std::optional<KeyringCredentials> c;
      try {
        c = keyring->fetch(t->url.str(), index_url, username);
      } catch (const std::exception& e) {
        util::log::debug(std::string("keyring: ") + e.what());
      }
      if (!c) {
        t->promise.set_value(std::move(t->response));
        continue;
      }
      t->username = c->username;
      t->password = c->password;
      t->has_credentials = true;
      std::lock_guard lock(mutex);
      credentials[t->realm] = {c->username, c->password};  // later requests to the host send them
      if (stopping) {
        t->promise.set_exception(
            std::make_exception_ptr(util::msg::fetch_failed(t->redacted, "the HTTP client is shutting down")));
        continue;
      }
      incoming.push_back(std::move(t));
      curl_multi_wakeup(multi);
    }
  }

  void run() {
    for (;;) {
      bool stop = false;
      {
        std::lock_guard lock(mutex);
        while (!incoming.empty()) {
          ready.push_back(std::move(incoming.front()));
          incoming.pop_front();
        }
        stop = stopping;
      }
      if (stop) break;
      auto now = Clock::now();
      for (auto it = delayed.begin(); it != delayed.end();) {
        if ((*it)->not_before <= now) {
          ready.push_back(std::move(*it));
          it = delayed.erase(it);
        } else {
          ++it;
        }
      }
      while (!ready.empty() && active.size() < options.concurrency) {
        std::unique_ptr<Transfer> t = std::move(ready.front());
        ready.pop_front();
        if (start(t)) {
          CURL* e = t->easy;
          active.emplace(e, std::move(t));
        }
      }
      int running = 0;
      curl_multi_perform(multi, &running);
      int left = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
        if (msg->msg == CURLMSG_DONE) finish(msg->easy_handle, msg->data.result);
      }
      // Finished transfers free slots: start the next ones before sleeping.
      if (!ready.empty() && active.size() < options.concurrency) continue;
      long timeout_ms = 1000;
      now = Clock::now();
      for (const auto& t : delayed) {
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t->not_before - now).count();
        timeout_ms = std::min<long>(timeout_ms, std::max<long>(0, static_cast<long>(ms) + 1));
      }
      curl_multi_poll(multi, nullptr, 0, static_cast<int>(timeout_ms), nullptr);
    }
    // Shutting down: nothing more is sent; every waiting caller gets an error.
    auto shut = [](std::unique_ptr<Transfer>& t) {
      t->cleanup();
      t->promise.set_exception(std::make_exception_ptr(util::msg::fetch_failed(t->redacted, "the HTTP client is shutting down")));
    };
    for (auto& [e, t] : active) {
      curl_multi_remove_handle(multi, e);
      shut(t);
    }
    active.clear();
    for (auto& t : ready) shut(t);
    for (auto& t : delayed) shut(t);
    std::lock_guard lock(mutex);
    for (auto& t : incoming) shut(t);
    incoming.clear();
  }
};

HttpClient::HttpClient(ClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
HttpClient::~HttpClient() = default;

const ClientOptions& HttpClient::options() const { return impl_->options; }
std::uint64_t HttpClient::request_count() const { return impl_->count.load(std::memory_order_relaxed); }

std::uint64_t HttpClient::sequential_round_trips() const {
  std::vector<std::pair<Clock::time_point, Clock::time_point>> spans;
  {
    std::lock_guard lock(impl_->spans_mutex);
    spans = impl_->spans;
  }
  return longest_sequential_chain(spans);
}

std::uint64_t longest_sequential_chain(std::vector<std::pair<std::chrono::steady_clock::time_point,
                                                             std::chrono::steady_clock::time_point>> spans) {
  // The most requests that ran one strictly after another (interval scheduling, earliest end first):
  // a lower bound on how many round trips the wall time paid for in sequence.
  std::sort(spans.begin(), spans.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  std::uint64_t n = 0;
  std::optional<std::chrono::steady_clock::time_point> last_end;
  for (const auto& [start, end] : spans) {
    if (last_end && start < *last_end) continue;
    ++n;
    last_end = end;
  }
  return n;
}

void HttpClient::add_index_url(std::string_view url, AuthPolicy policy) {
  auto u = util::Url::parse(url);
  if (!u || (u->scheme != "http" && u->scheme != "https")) return;
  std::lock_guard lock(impl_->mutex);
  impl_->index_urls.emplace_back(u->without_fragment(), policy);
}

bool HttpClient::is_insecure(std::string_view url) const {
  auto u = util::Url::parse(url);
  return u && impl_->insecure(*u);
}

std::future<Response> HttpClient::submit(Request request, StreamHandler handler) {
  auto t = std::make_unique<Transfer>();
  std::future<Response> future = t->promise.get_future();
  t->redacted = util::redact_url(request.url);
  auto parsed = util::Url::parse(request.url);
  if (!parsed) {
    t->promise.set_exception(std::make_exception_ptr(
        util::Error(util::ErrorKind::Network, "invalid URL: " + t->redacted, "a URL looks like https://host/path")));
    return future;
  }
  if (impl_->options.offline) {
    t->promise.set_exception(std::make_exception_ptr(util::msg::offline_miss(t->redacted)));
    return future;
  }
  parsed->fragment.reset();
  std::string realm = realm_of(*parsed);
  if (parsed->has_credentials()) {
    t->username = parsed->decoded_username();
    t->password = parsed->decoded_password();
    t->has_credentials = true;
    std::lock_guard lock(impl_->mutex);
    auto it = impl_->credentials.find(realm);
    // A username alone (https://USER@host/..., as keyring users write index URLs) takes the password
    // the keyring gave for that user, instead of forgetting it.
    if (t->password.empty() && !parsed->password && it != impl_->credentials.end() &&
        it->second.first == t->username)
      t->password = it->second.second;
    else
      impl_->credentials[realm] = {t->username, t->password};
  } else {
    std::lock_guard lock(impl_->mutex);
    const auto* index = impl_->index_of_locked(*parsed);
    t->no_auth = index && index->second == AuthPolicy::Never;
    if (auto it = impl_->credentials.find(realm); !t->no_auth && it != impl_->credentials.end()) {
      t->username = it->second.first;
      t->password = it->second.second;
      t->has_credentials = true;
    }
  }
  t->url = parsed->without_credentials();
  t->realm = realm;
  t->max_retries = std::max(0, request.retries.value_or(impl_->options.retries));
  const ClientOptions& o = impl_->options;
  if (request.limit) {
    t->limit = *request.limit;
  } else if (handler.on_chunk) {
    t->limit = BodyLimit{o.max_download_bytes, describe_size(o.max_download_bytes) + ", the limit for downloads",
                         "raise PTINSTALL_HTTP_MAX_DOWNLOAD_SIZE (MiB) if this file is really that big"};
  } else {
    t->limit = BodyLimit{o.max_page_bytes, describe_size(o.max_page_bytes) + ", the limit for index pages and metadata",
                         "raise PTINSTALL_HTTP_MAX_PAGE_SIZE (MiB) if this page is really that big"};
  }
  t->request = std::move(request);
  t->handler = std::move(handler);
  impl_->enqueue(std::move(t));
  return future;
}

Response HttpClient::get(const Request& request) { return submit(request).get(); }

Response HttpClient::fetch_streaming(const Request& request, StreamHandler handler) {
  return submit(request, std::move(handler)).get();
}

std::vector<Response> HttpClient::get_all(const std::vector<Request>& requests) {
  std::vector<std::future<Response>> futures;
  futures.reserve(requests.size());
  for (const auto& r : requests) futures.push_back(submit(r));
  return wait_all(futures);
}

std::vector<Response> wait_all(std::vector<std::future<Response>>& futures) {
  std::vector<Response> out;
  out.reserve(futures.size());
  std::exception_ptr first;
  for (auto& f : futures) {
    try {
      out.push_back(f.get());
    } catch (...) {
      if (!first) first = std::current_exception();
      out.emplace_back();
    }
  }
  if (first) std::rethrow_exception(first);
  return out;
}

void raise_for_status(const Response& response, std::string_view url) {
  if (response.ok()) return;
  std::string reason = reason_phrase(response.status);
  std::string msg = "failed to fetch " + util::redact_url(url) + ": HTTP " + std::to_string(response.status) +
                    (reason.empty() ? "" : " " + reason);
  std::string hint;
  if (response.status == 401 || response.status == 403)
    hint = "the server wants credentials: put them in the URL (https://user:password@host/...), in ~/.netrc, or "
           "in a keyring with --keyring-provider subprocess";
  else if (response.status == 404)
    hint = "check the URL";
  else if (response.status >= 500 || response.status == 408 || response.status == 429)
    hint = "the server kept failing" +
           (response.attempts > 1 ? " (" + std::to_string(response.attempts) + " attempts)" : std::string()) +
           ": try again later, or allow more retries with --retries (PTINSTALL_HTTP_RETRIES, UV_HTTP_RETRIES)";
  else
    hint = "the server refused the request; check the URL, or run again with --refresh if an index page is stale";
  throw util::Error(util::ErrorKind::Network, msg, hint);
}

}  // namespace ptinstall::net
