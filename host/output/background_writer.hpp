#pragma once
// Output that overlaps compute: tasks (writing a snapshot's files) run in order on one host
// thread while the simulation advances. At most one task waits behind the one running, so a
// slow disk holds back the run instead of piling up snapshots in memory. The first error a
// task throws is rethrown to the caller by the next submit() or by finish().
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace skinrd::output {

class BackgroundWriter {
 public:
  BackgroundWriter();
  ~BackgroundWriter();  // waits for the tasks; errors not collected by finish() are dropped
  BackgroundWriter(const BackgroundWriter&) = delete;
  BackgroundWriter& operator=(const BackgroundWriter&) = delete;

  void submit(std::function<void()> task);
  // Waits until every submitted task has run; rethrows the first error.
  void finish();

 private:
  void work();
  void rethrow_error();

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<void()>> queue_;
  bool busy_ = false, stopping_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace skinrd::output
