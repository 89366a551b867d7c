#pragma once
// One run per directory. A RunDirectory holds an exclusive lock on DIR/.skinrd.lock (flock,
// released by the kernel when the process dies, so a killed run's lock is never stuck) for its
// lifetime, and keeps DIR/run.json saying what became of the run: running, completed, failed
// (with the error) or interrupted (with the reason), with times, pid, host and command.
#include <string>
#include <vector>

namespace skinrd::output {

class RunDirectory {
 public:
  // Creates dir (IoError with the system's reason when it cannot), takes the lock (IoError
  // "... is in use by skinrd pid N on HOST since T" when another run holds it; a lock file
  // left by a dead process is taken over with a note), then, without force, refuses a
  // non-empty directory; with force, removes the previous run's outputs (remove_run_outputs)
  // and leaves other files alone. Writes run.json with status "running".
  static RunDirectory create(const std::string& dir, bool force, const std::string& command_line);
  // For `skinrd run --resume DIR`: takes the lock, requires run.json with status
  // "interrupted" or "failed" (or "running" left by a killed process), keeps the files and
  // sets the status to running again, the time appended to "resumed".
  static RunDirectory reopen(const std::string& dir, const std::string& command_line);

  RunDirectory(RunDirectory&& other) noexcept;
  RunDirectory& operator=(RunDirectory&&) = delete;
  RunDirectory(const RunDirectory&) = delete;
  ~RunDirectory();  // releases the lock; still "running" (an exception unwinding): failed

  const std::string& path() const { return dir_; }
  // What the user should know about how the directory was taken (a stale lock taken over).
  const std::vector<std::string>& notes() const { return notes_; }
  // The subdirectories an ensemble writes, recorded now so that --force after a kill finds them.
  void set_members(const std::vector<std::string>& names);

  void completed();
  void failed(const std::string& error);
  void interrupted(const std::string& reason, bool checkpoint_written);

 private:
  RunDirectory(std::string dir, int lock_fd);
  void set_status(const std::string& status, const std::string& key, const std::string& text);
  void write_record();

  std::string dir_;
  int lock_fd_ = -1;
  std::string record_;  // run.json's content (JSON text)
  bool running_ = false;
  std::vector<std::string> notes_;
};

// The status in DIR/run.json ("running", "completed", "failed", "interrupted"); "" when the
// directory has none (runs written before run.json existed). IoError when it is unreadable.
std::string run_status(const std::string& dir);

// Removes what skinrd writes into a run directory (metrics.csv, profiles.csv, summary.json,
// provenance.json, scenario.toml, run.json, fields.pvd, fields_*.vtr, checkpoint*,
// ensemble.json/.csv, *.tmp, and the member subdirectories an ensemble's ensemble.json or
// run.json lists, emptied the same way); any other file stays.
void remove_run_outputs(const std::string& dir);

// Creates dir and its parents; IoError with the reason (read-only file system, a path through
// a regular file, a file where the directory should be).
void make_directory(const std::string& dir);

}  // namespace skinrd::output
