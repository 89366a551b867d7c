// One run per directory (issue 16, findings 2, 3, 8, 9): the lock refuses a second run and
// names its holder, a dead holder's lock is taken over, --force removes only what skinrd
// wrote, run.json follows the run, output paths that cannot be made are IoErrors with the
// system's reason, and writes to a full disk say "No space left on device" and leave no .tmp.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "host/compare/run_data.hpp"
#include "host/error.hpp"
#include "host/output/atomic_file.hpp"
#include "host/output/run_directory.hpp"

namespace {

namespace fs = std::filesystem;
using namespace skinrd;
using output::RunDirectory;

// A fresh, empty folder for one test.
fs::path fresh(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("skinrd_rundir_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

void touch(const fs::path& path, const std::string& text = "x\n") { std::ofstream(path) << text; }

nlohmann::json record(const fs::path& dir) {
  std::ifstream in(dir / "run.json");
  return nlohmann::json::parse(in);
}

// The message of the IoError fn throws ("" when it throws none).
template <class Fn>
std::string io_error(Fn fn) {
  try {
    fn();
  } catch (const IoError& error) {
    return error.what();
  }
  return "";
}

TEST(RunDirectory, SecondRunOnTheSameDirectoryIsRefusedWithItsHolder) {
  const fs::path dir = fresh("lock");
  {
    RunDirectory first = RunDirectory::create(dir.string(), false, "skinrd run a.toml");
    const std::string message = io_error([&] { RunDirectory::create(dir.string(), true, "skinrd run b.toml"); });
    EXPECT_NE(message.find("is in use by skinrd pid " + std::to_string(::getpid())), std::string::npos)
        << message;
    EXPECT_NE(message.find(" since 20"), std::string::npos) << message;
    EXPECT_EQ(record(dir)["status"], "running");  // the refused run touched nothing
    first.completed();
  }
  EXPECT_FALSE(fs::exists(dir / ".skinrd.lock"));  // released with the object
  EXPECT_NO_THROW(RunDirectory::create(dir.string(), true, "again").completed());
  fs::remove_all(dir);
}

TEST(RunDirectory, LockOfADeadProcessIsTakenOverWithANote) {
  const fs::path dir = fresh("stale");
  const pid_t child = ::fork();
  if (child == 0) {  // takes the directory and dies without letting go (as a kill -9 would)
    try {
      new RunDirectory(RunDirectory::create(dir.string(), false, "child"));
    } catch (...) {
      ::_exit(1);
    }
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_EQ(WEXITSTATUS(status), 0);
  ASSERT_TRUE(fs::exists(dir / ".skinrd.lock"));
  EXPECT_EQ(output::run_status(dir.string()), "running");  // never marked: killed
  // Without --force the dead run's files are not ours to replace.
  const std::string refused = io_error([&] { RunDirectory::create(dir.string(), false, "x"); });
  EXPECT_NE(refused.find("did not finish"), std::string::npos) << refused;
  RunDirectory taken = RunDirectory::create(dir.string(), true, "parent");
  ASSERT_EQ(taken.notes().size(), 1u);
  EXPECT_NE(taken.notes()[0].find("pid " + std::to_string(child)), std::string::npos) << taken.notes()[0];
  EXPECT_EQ(record(dir)["pid"], ::getpid());
  taken.completed();
  fs::remove_all(dir);
}

TEST(RunDirectory, ForceRemovesOnlyThePreviousRunsOutputs) {
  const fs::path dir = fresh("force");
  fs::create_directories(dir / "member-000");
  fs::create_directories(dir / "my_plots");
  for (const char* name : {"summary.json", "provenance.json", "metrics.csv", "profiles.csv", "fields.pvd",
                           "fields_0009.vtr", "scenario.toml", "fields.pvd.tmp", "checkpoint.bin",
                           "ensemble.csv", "notes.txt", "fields_notes.txt"})
    touch(dir / name);
  touch(dir / "ensemble.json", R"({"members": [{"name": "member-000", "dir": "member-000"},
                                              {"name": "up", "dir": ".."}]})");
  touch(dir / "member-000" / "metrics.csv");
  touch(dir / "my_plots" / "metrics.csv");  // not a member: a user's folder
  const std::string refused = io_error([&] { RunDirectory::create(dir.string(), false, "x"); });
  EXPECT_NE(refused.find("not empty"), std::string::npos) << refused;
  EXPECT_TRUE(fs::exists(dir / "summary.json"));  // a refusal removes nothing
  {
    RunDirectory run = RunDirectory::create(dir.string(), true, "skinrd run --force");
    for (const char* gone : {"summary.json", "provenance.json", "metrics.csv", "profiles.csv", "fields.pvd",
                             "fields_0009.vtr", "scenario.toml", "fields.pvd.tmp", "checkpoint.bin",
                             "ensemble.csv", "ensemble.json", "member-000"})
      EXPECT_FALSE(fs::exists(dir / gone)) << gone;
    for (const char* kept : {"notes.txt", "fields_notes.txt", "my_plots/metrics.csv"})
      EXPECT_TRUE(fs::exists(dir / kept)) << kept;
    run.completed();
  }
  fs::remove_all(dir);
}

TEST(RunDirectory, RunJsonFollowsTheRun) {
  const fs::path dir = fresh("states");
  {
    RunDirectory run = RunDirectory::create(dir.string(), false, "skinrd run s.toml --out d");
    const nlohmann::json r = record(dir);
    EXPECT_EQ(r["status"], "running");
    EXPECT_EQ(r["pid"], ::getpid());
    EXPECT_EQ(r["command"], "skinrd run s.toml --out d");
    EXPECT_TRUE(r.contains("started") && r.contains("host"));
    run.failed("disk full");
  }
  EXPECT_EQ(record(dir)["status"], "failed");
  EXPECT_EQ(record(dir)["error"], "disk full");
  {
    RunDirectory run = RunDirectory::reopen(dir.string(), "skinrd run --resume d");
    EXPECT_EQ(record(dir)["status"], "running");
    EXPECT_EQ(record(dir)["resumed"].size(), 1u);
    EXPECT_FALSE(record(dir).contains("error"));
    run.interrupted("SIGINT", true);
  }
  EXPECT_EQ(record(dir)["status"], "interrupted");
  EXPECT_EQ(record(dir)["reason"], "SIGINT");
  EXPECT_EQ(record(dir)["checkpoint_written"], true);
  {
    RunDirectory run = RunDirectory::reopen(dir.string(), "skinrd run --resume d");
    run.completed();
  }
  EXPECT_EQ(output::run_status(dir.string()), "completed");
  EXPECT_TRUE(record(dir).contains("finished"));
  EXPECT_EQ(record(dir)["resumed"].size(), 2u);
  try {
    RunDirectory::reopen(dir.string(), "again");
    ADD_FAILURE() << "a completed run was reopened";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("cannot be resumed"), std::string::npos) << error.what();
  }
  // An exception unwinding past a running directory marks it failed.
  try {
    RunDirectory run = RunDirectory::create(dir.string(), true, "x");
    throw std::runtime_error("boom");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(output::run_status(dir.string()), "failed");
  fs::remove_all(dir);
  EXPECT_EQ(output::run_status(dir.string()), "");
}

TEST(RunDirectory, UncreatableOutputPathsGiveTheReasonWithoutForceAdvice) {
  const fs::path base = fresh("paths");
  fs::create_directories(base);
  touch(base / "a_file");
  const std::string through_file = io_error([&] { RunDirectory::create((base / "a_file" / "run").string(), false, ""); });
  EXPECT_NE(through_file.find("Not a directory"), std::string::npos) << through_file;
  const std::string is_file = io_error([&] { RunDirectory::create((base / "a_file").string(), true, ""); });
  EXPECT_NE(is_file.find("is not a directory"), std::string::npos) << is_file;
  for (const std::string& message : {through_file, is_file})
    EXPECT_EQ(message.find("--force"), std::string::npos) << message;
  fs::remove_all(base);
}

TEST(AtomicFile, FullDiskGivesTheReasonAndLeavesNoTemporaryFile) {
  const fs::path dir = fresh("full");
  fs::create_directories(dir);
  fs::create_symlink("/dev/full", dir / "fields.pvd.tmp");  // the temp file's writes hit a full disk
  const std::string message = io_error([&] { output::write_atomically(dir / "fields.pvd", "<VTKFile/>\n"); });
  EXPECT_NE(message.find("No space left on device"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(fs::symlink_status(dir / "fields.pvd.tmp")));
  EXPECT_FALSE(fs::exists(dir / "fields.pvd"));
  // A file that cannot be opened: the reason too, and nothing left.
  const std::string missing = io_error([&] { output::write_atomically(dir / "no_dir" / "x.toml", "a"); });
  EXPECT_NE(missing.find("No such file or directory"), std::string::npos) << missing;
  fs::remove_all(dir);
}

TEST(AtomicFile, StreamFlushFailureGivesTheReason) {
  std::ofstream metrics("/dev/full");
  ASSERT_TRUE(metrics);
  metrics << "time_s,dosed\n0,1\n";
  const std::string message = io_error([&] { output::flush_or_throw(metrics, "run/metrics.csv"); });
  EXPECT_NE(message.find("run/metrics.csv: write failed: No space left on device"), std::string::npos)
      << message;
}

TEST(CompareRunStatus, IncompleteRunsAreRefusedUnlessAllowed) {
  const fs::path dir = fresh("compare");
  { RunDirectory run = RunDirectory::create(dir.string(), false, "x"); }  // unwound: failed
  std::string message = io_error([&] { compare::load_run(dir.string()); });
  EXPECT_NE(message.find("not complete (run.json: failed"), std::string::npos) << message;
  // Allowed, it goes on to read the files (here: none).
  message = io_error([&] { compare::load_run(dir.string(), true); });
  EXPECT_NE(message.find("summary.json"), std::string::npos) << message;
  fs::remove_all(dir);
}

}  // namespace
