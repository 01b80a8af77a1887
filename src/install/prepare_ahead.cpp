#include "ptinstall/install/prepare_ahead.hpp"

#include <atomic>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <string>

#include "ptinstall/util/log.hpp"
#include "ptinstall/util/thread_pool.hpp"

namespace ptinstall::install {

namespace {

struct Job {
  enum class State { queued, running, done, claimed };
  State state = State::queued;
  std::optional<PrepareAhead::Taken> result;
  std::exception_ptr error;  // why it failed, said by take() (the install wants this very file)
};

}  // namespace

struct PrepareAhead::Impl {
  const Cache& root;
  net::HttpClient& client;
  PrepareOptions options;
  WheelCache wheels;
  std::atomic<bool> cancelled{false};
  mutable std::mutex mutex;
  std::condition_variable finished;
  std::map<std::string, std::shared_ptr<Job>, std::less<>> jobs;  // by URL
  std::size_t succeeded = 0;
  std::mutex report_mutex;
  std::function<void(const std::string&, std::uint64_t, std::uint64_t, bool)> report;  // report_files_to
  util::ThreadPool pool;  // last: joined first

  Impl(const Cache& r, net::HttpClient& c, PrepareOptions o, std::size_t threads)
      : root(r), client(c), options(std::move(o)), wheels(r), pool(std::max<std::size_t>(1, threads)) {
    options.ahead = nullptr;
    options.cancel = &cancelled;
    options.on_progress = nullptr;
    options.on_file = [this](const std::string& filename, std::uint64_t received, std::uint64_t total, bool finished) {
      std::lock_guard lock(report_mutex);
      if (report) report(filename, received, total, finished);
    };
    options.concurrency = 1;
  }

  void run(const std::shared_ptr<Job>& job, const PrepareItem& item) {
    {
      std::lock_guard lock(mutex);
      if (job->state == Job::State::claimed || cancelled) {
        job->state = Job::State::done;
        finished.notify_all();
        return;
      }
      job->state = Job::State::running;
    }
    std::optional<Taken> result;
    std::exception_ptr error;
    try {
      PrepareStats stats;
      auto got = prepare_wheels({item}, wheels, root, client, options, &stats);
      result = Taken{std::move(got.front()), stats};
    } catch (const std::exception& e) {
      error = std::current_exception();
      util::log::debug("preparing " + item.file.filename + " while resolving failed (" + e.what() +
                       "); said if it is installed");
    }
    std::lock_guard lock(mutex);
    if (result) ++succeeded;
    job->result = std::move(result);
    job->error = error;
    job->state = Job::State::done;
    finished.notify_all();
  }
};

PrepareAhead::PrepareAhead(const Cache& root, net::HttpClient& client, PrepareOptions options, std::size_t threads)
    : impl_(std::make_unique<Impl>(root, client, std::move(options), threads)) {}

PrepareAhead::~PrepareAhead() { cancel(); }

void PrepareAhead::start(PrepareItem item) {
  auto& I = *impl_;
  auto job = std::make_shared<Job>();
  {
    std::lock_guard lock(I.mutex);
    if (I.cancelled || !I.jobs.emplace(item.file.url, job).second) return;
  }
  util::log::trace("preparing " + item.file.filename + " while resolving");
  I.pool.submit([impl = impl_.get(), job, item = std::move(item)] { impl->run(job, item); });
}

std::optional<PrepareAhead::Taken> PrepareAhead::take(const PrepareItem& item) {
  auto& I = *impl_;
  std::unique_lock lock(I.mutex);
  auto it = I.jobs.find(item.file.url);
  if (it == I.jobs.end()) return std::nullopt;
  std::shared_ptr<Job> job = it->second;
  if (job->state == Job::State::queued) {
    job->state = Job::State::claimed;  // the caller prepares it now rather than wait behind the queue
    return std::nullopt;
  }
  I.finished.wait(lock, [&] { return job->state == Job::State::done || job->state == Job::State::claimed; });
  // The same file failed: its error is the install's (fetching it again would double the requests to
  // a failing server). A transfer stopped by cancel() is no answer: the caller prepares it.
  if (job->error && !I.cancelled) std::rethrow_exception(job->error);
  std::optional<Taken> out = std::move(job->result);
  job->result.reset();
  return out;
}

void PrepareAhead::cancel() { impl_->cancelled = true; }

void PrepareAhead::report_files_to(std::function<void(const std::string&, std::uint64_t, std::uint64_t, bool)> on_file) {
  std::lock_guard lock(impl_->report_mutex);
  impl_->report = std::move(on_file);
}

std::size_t PrepareAhead::started() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->jobs.size();
}

std::size_t PrepareAhead::succeeded() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->succeeded;
}

}  // namespace ptinstall::install
