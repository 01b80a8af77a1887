// The one HTTP client: libcurl's multi interface driven by one background thread, so many transfers
// run in parallel over reused connections (HTTP/2 multiplexing where the server offers it).
//
// - Concurrency: at most ClientOptions::concurrency transfers are active; the rest wait in a queue.
// - Retries: connection errors (refused, reset), timeouts, truncated bodies and HTTP 408/429/5xx
//   are retried with exponential backoff and jitter (ClientOptions::retries extra attempts; a
//   Retry-After header lengthens the wait), all within ClientOptions::deadline. A streamed body cut
//   short continues from the byte reached when the server allows it (Range + If-Range with the
//   first response's validator; net/header_values.hpp); otherwise the consumer is told to reset
//   before the retry sends the body again.
// - Bounds: no byte for read_timeout, or fewer than min_rate bytes a second over read_timeout (a
//   server dripping its body), fails the attempt; every request ends by its deadline; a body larger
//   than its limit (Request::limit, else max_page_bytes for bodies kept in memory and
//   max_download_bytes for streamed ones) is refused without a retry.
// - Statuses: every HTTP status is returned as a Response (4xx included, and 5xx once retries are
//   spent); only transport failures throw util::Error. raise_for_status() turns a non-2xx response
//   into an error. Every error of this layer is of kind Network, --offline refusals included.
// - Credentials: from the URL (user:password@) and from ~/.netrc (or $NETRC). Credentials seen in a
//   URL are remembered for its scheme/host/port and sent with later requests to it that carry none
//   (an index URL's credentials then also cover the files it links to). URLs are only ever logged
//   or put into errors redacted. With ClientOptions::keyring, a 401 to a request that carried no
//   password asks the `keyring` command (net/keyring.hpp) on a thread of its own, then sends the
//   request again with what it gave, and remembers it for the host like URL credentials.
// - Proxies: libcurl reads http_proxy, HTTPS_PROXY, ALL_PROXY and NO_PROXY from the environment;
//   HTTP_PROXY (upper case) is honoured too for http:// URLs. ClientOptions::proxy (--proxy) and the
//   per-scheme https_proxy / http_proxy / no_proxy (config files) are set explicitly and win.
// - TLS: SSL_CERT_FILE / SSL_CERT_DIR; hosts matching ClientOptions::insecure_hosts skip verification.
#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ptinstall/net/auth_policy.hpp"

namespace ptinstall::net {

struct ClientOptions {
  std::size_t concurrency = 50;                              // PTINSTALL_/UV_CONCURRENT_DOWNLOADS
  int retries = 10;                                          // PTINSTALL_/UV_HTTP_RETRIES (docs/network.md
                                                             // says why 10)
  std::chrono::milliseconds read_timeout{30'000};            // PTINSTALL_/UV_HTTP_TIMEOUT (seconds in env):
                                                             // longest wait for the next byte
  std::chrono::milliseconds connect_timeout{10'000};         // PTINSTALL_/UV_HTTP_CONNECT_TIMEOUT
  std::chrono::milliseconds retry_base_delay{500};           // first backoff; doubles, with jitter
  std::chrono::milliseconds retry_max_delay{10'000};
  std::chrono::milliseconds deadline{3'600'000};             // PTINSTALL_HTTP_DEADLINE: one request, its
                                                             // retries and waits included
  std::uint64_t min_rate = 512;                              // bytes/s over read_timeout, else "too slow"
  std::uint64_t max_page_bytes = 256ull << 20;               // PTINSTALL_HTTP_MAX_PAGE_SIZE (MiB): bodies
                                                             // kept in memory (pages, metadata)
  std::uint64_t max_download_bytes = 32ull << 30;            // PTINSTALL_HTTP_MAX_DOWNLOAD_SIZE (MiB):
                                                             // streamed bodies of unknown size
  std::vector<std::string> insecure_hosts;                   // --allow-insecure-host values
  std::string ca_file;                                       // SSL_CERT_FILE
  std::string ca_dir;                                        // SSL_CERT_DIR
  std::optional<std::filesystem::path> netrc_file;           // $NETRC, else ~/.netrc when it exists
  bool use_netrc = true;
  bool offline = false;                                      // every request throws
  std::string user_agent;                                    // default "ptinstall/<version>"
  // Explicit proxies (scheme://[user:password@]host:port). Empty: libcurl reads the environment.
  std::string proxy;                                         // --proxy: every http(s) URL
  std::string https_proxy;                                   // https:// URLs, when `proxy` is empty
  std::string http_proxy;                                    // http:// URLs, when `proxy` is empty
  std::optional<std::string> no_proxy;                       // comma-separated hosts reached directly
                                                             // (nullopt: NO_PROXY from the environment)
  bool keyring = false;                                      // --keyring-provider subprocess
  std::string keyring_program = "keyring";                   // searched on PATH

  // The defaults above overridden by the environment: PTINSTALL_CONCURRENT_DOWNLOADS,
  // UV_CONCURRENT_DOWNLOADS, PTINSTALL_HTTP_RETRIES, UV_HTTP_RETRIES, PTINSTALL_HTTP_TIMEOUT,
  // UV_HTTP_TIMEOUT, UV_REQUEST_TIMEOUT, PTINSTALL_HTTP_CONNECT_TIMEOUT, UV_HTTP_CONNECT_TIMEOUT
  // (PTINSTALL_ first), SSL_CERT_FILE, SSL_CERT_DIR, NETRC. A malformed number is a util::Error
  // naming the variable. The commands build their options with config::client_options(settings)
  // instead, which reads the same variables through the settings registry, below the command line
  // and above the config files; this stays for callers without settings.
  static ClientOptions from_environment();
};

// A number setting as the client takes it: optional surrounding blanks, a decimal number (fractions
// allowed), >= 0, and > 0 unless allow_zero. Anything else throws
// util::Error("invalid value for <name>: '<text>'", "expected a number > 0") (or ">= 0").
double parse_number_setting(std::string_view name, std::string_view text, bool allow_zero);

struct ByteRange {
  std::uint64_t start = 0;
  std::optional<std::uint64_t> end;   // inclusive; nullopt: to the end of the file
  bool suffix = false;                // "bytes=-N": the last `start` bytes (end ignored)
};

// The most bytes a body may have, and how an error names that bound (e.g. "the 1234 bytes the index
// declared") and what to do about it.
struct BodyLimit {
  std::uint64_t bytes = 0;
  std::string what;
  std::string hint{};
  bool exact = false;   // the body must be exactly this long (a streamed 2xx body shorter is cut short)
};

struct Request {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers{};  // e.g. {"Accept", "application/vnd.pypi.simple.v1+json"}
  std::optional<ByteRange> range{};
  bool head = false;               // HEAD instead of GET
  bool follow_redirects = true;
  bool decompress = true;          // ask for and decode gzip/br/zstd; off for range requests
  std::optional<int> retries{};    // overrides ClientOptions::retries
  std::optional<BodyLimit> limit{};  // overrides max_page_bytes / max_download_bytes
  // A streamed 2xx body cut short continues where it stopped (Range from the byte reached, If-Range
  // with `if_range` or else the first response's validator) when the server allows it; the consumer
  // then sees one body, without a reset. With `range` set the continuation stays inside it, and
  // `if_range` is sent with the first attempt too (a range of a file an earlier run began).
  bool resume = true;
  std::optional<std::string> if_range{};
};

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; repeated headers joined with ", "
  std::string body;                            // empty when streamed to a consumer
  std::string effective_url;                   // after redirects, as libcurl saw it
  bool from_cache = false;                     // set by HttpCache
  int attempts = 0;                            // network attempts made (0 when from the cache)
  int resumed = 0;                             // attempts that continued a body from a byte offset

  bool ok() const { return status >= 200 && status < 300; }
  std::optional<std::string> header(std::string_view lower_case_name) const;
};

// Receives the body of a 2xx response piece by piece. It runs on the client's network thread, so it
// must be quick (hashing, writing to a file or an unzip stream is fine; blocking on other requests
// is not). Throwing aborts the transfer; the exception reaches the caller and there is no retry.
using ChunkConsumer = std::function<void(std::string_view chunk)>;
// Called before a retry sends the body again: the consumer must forget what it got so far.
using ResetCallback = std::function<void()>;

// Called on the network thread before the first chunk of a 2xx body (again after a reset), with the
// body's announced size (Content-Length) when there is one, so that a consumer can choose where the
// bytes go before they come (a big wheel goes to a file rather than to a streaming unzip).
using StartCallback = std::function<void(std::optional<std::uint64_t> content_length)>;

// Called on the network thread just before on_start, with the status and the headers (lower-case
// names) of the response whose body follows: a consumer of ranges checks 206 and Content-Range there,
// and keeps the validator (ETag, Last-Modified) for If-Range. Throwing aborts the transfer.
using HeadersCallback = std::function<void(int status, const std::map<std::string, std::string>& headers)>;

struct StreamHandler {
  ChunkConsumer on_chunk;
  ResetCallback on_reset;
  StartCallback on_start{};
  HeadersCallback on_headers{};
};

class HttpClient {
 public:
  explicit HttpClient(ClientOptions options = ClientOptions::from_environment());
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // One request, waiting for it. Throws util::Error on transport failure.
  Response get(const Request& request);
  // Many requests in parallel; the responses in the order of the requests. The first transport
  // failure is thrown once every transfer has finished.
  std::vector<Response> get_all(const std::vector<Request>& requests);
  // The body of a 2xx response goes to handler.on_chunk instead of Response::body.
  Response fetch_streaming(const Request& request, StreamHandler handler);

  // Asynchronous form, usable from any thread: the future holds the response or the util::Error.
  std::future<Response> submit(Request request, StreamHandler handler = {});

  // Network attempts made so far (retries count), for `-v` output.
  std::uint64_t request_count() const;
  // Of the attempts finished so far, the most that ran strictly one after another (each started after
  // the previous one ended): the round trips on the critical path, for `-v` output. With every
  // request it could know of in flight at once, a resolution pays about its graph's depth here.
  std::uint64_t sequential_round_trips() const;
  const ClientOptions& options() const;

  // Whether TLS verification is skipped for this URL (--allow-insecure-host).
  bool is_insecure(std::string_view url) const;

  // The URL of an index in use (credentials allowed): with the keyring on, a request under it asks
  // the keyring for this URL first (pip's and uv's service name), with the URL's username when the
  // request has none. With AuthPolicy::Never (uv's `authenticate = "never"`), requests under it carry
  // no credentials at all: none the host's other URLs gave, none from ~/.netrc, no keyring on a 401.
  void add_index_url(std::string_view url, AuthPolicy policy = AuthPolicy::Auto);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Throws util::Error("failed to fetch <redacted url>: HTTP <status> <reason>"), kind Network, for a
// non-2xx response.
void raise_for_status(const Response& response, std::string_view url);

// Waits for every future (so no transfer outlives its caller), then rethrows the first failure.
std::vector<Response> wait_all(std::vector<std::future<Response>>& futures);

// The most intervals of `spans` (start, end) that follow one another without overlap.
std::uint64_t longest_sequential_chain(
    std::vector<std::pair<std::chrono::steady_clock::time_point, std::chrono::steady_clock::time_point>> spans);

}  // namespace ptinstall::net
