// Output that overlaps compute (host/output/background_writer): snapshots are written in the
// order they were taken, all of them before finish() returns, and a failed write reaches the
// run as an error instead of being lost.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "host/error.hpp"
#include "host/output/background_writer.hpp"

namespace {

using skinrd::output::BackgroundWriter;

TEST(BackgroundWriter, RunsEveryTaskInOrderBeforeFinishReturns) {
  BackgroundWriter writer;
  std::vector<int> done;  // touched only by the writer thread until finish()
  for (int n = 0; n < 20; ++n)
    writer.submit([&done, n] {
      std::this_thread::sleep_for(std::chrono::milliseconds(n % 3));
      done.push_back(n);
    });
  writer.finish();
  ASSERT_EQ(done.size(), 20u);
  for (int n = 0; n < 20; ++n) EXPECT_EQ(done[n], n);
}

TEST(BackgroundWriter, OverlapsTheCaller) {
  BackgroundWriter writer;
  std::atomic<bool> started{false}, release{false};
  writer.submit([&] {
    started = true;
    while (!release) std::this_thread::yield();
  });
  // submit returned while the task still runs: the caller goes on computing.
  while (!started) std::this_thread::yield();
  release = true;
  writer.finish();
}

TEST(BackgroundWriter, AFailedWriteIsRethrownAndLaterSnapshotsAreDropped) {
  BackgroundWriter writer;
  std::atomic<int> after{0};
  writer.submit([] { throw skinrd::IoError("fields_0003.vtr", "disk full"); });
  EXPECT_THROW(
      {
        for (int n = 0; n < 5; ++n) writer.submit([&] { ++after; });
        writer.finish();
      },
      skinrd::IoError);
  writer.finish();  // the error was delivered once; the writer is idle again
  EXPECT_LE(after.load(), 1) << "snapshots after a failed one follow a broken series";
}

}  // namespace
