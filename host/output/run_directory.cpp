#include "host/output/run_directory.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "host/error.hpp"
#include "host/output/atomic_file.hpp"

namespace skinrd::output {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

constexpr const char* kLockName = ".skinrd.lock";
constexpr const char* kRecordName = "run.json";

std::string now_iso() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string host_name() {
  char name[256] = "";
  if (gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

std::string reason(int error) { return std::strerror(error); }

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// "pid N on HOST since T" from a lock file's content; "" when it holds none (yet).
std::string holder_of(const std::string& lock_text) {
  const Json holder = Json::parse(lock_text, nullptr, false);
  if (!holder.is_object() || !holder.contains("pid")) return "";
  return "pid " + holder["pid"].dump() + " on " + holder.value("host", std::string("?")) + " since " +
         holder.value("started", std::string("?"));
}

// The lock on dir/.skinrd.lock: flock, so the kernel releases it when its holder dies. The
// file is removed on release; whoever opened it before that locks a removed file, which the
// inode check catches (then it opens the new one). `previous` gets what a dead holder left.
int acquire_lock(const fs::path& dir, std::string& previous) {
  const fs::path lock_path = dir / kLockName;
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw IoError(lock_path.string(), "cannot create the run's lock file: " + reason(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int error = errno;
      ::close(fd);
      if (error != EWOULDBLOCK) throw IoError(lock_path.string(), "cannot lock: " + reason(error));
      const std::string holder = holder_of(read_text(lock_path));
      throw IoError(dir.string(), "is in use by skinrd " + (holder.empty() ? "(another run)" : holder) +
                                      ": one run per directory; choose another --out");
    }
    struct stat opened {}, named {};
    if (::fstat(fd, &opened) == 0 && ::stat(lock_path.c_str(), &named) == 0 &&
        opened.st_ino == named.st_ino && opened.st_dev == named.st_dev) {
      previous = read_text(lock_path);
      return fd;
    }
    ::close(fd);  // locked a file its holder had just removed: take the current one
  }
  throw IoError(lock_path.string(), "cannot lock: the lock file keeps being replaced");
}

void write_lock_owner(int fd, const fs::path& lock_path, const std::string& started) {
  const std::string text =
      Json{{"pid", ::getpid()}, {"host", host_name()}, {"started", started}}.dump() + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()))
    throw IoError(lock_path.string(), "cannot write the lock's owner: " + reason(errno));
}

bool written_by_skinrd(const std::string& name) {
  static const std::set<std::string> names = {"metrics.csv",  "profiles.csv",    "summary.json",
                                              "provenance.json", "scenario.toml", "run.json",
                                              "fields.pvd",   "ensemble.json",   "ensemble.csv",
                                              "layers.json",  "skinrd_state.py"};
  return names.count(name) || (name.starts_with("fields_") && name.ends_with(".vtr")) ||
         name.starts_with("checkpoint") || name.ends_with(".tmp");
}

// An ensemble's member folders, as its ensemble.json ("members": [{"dir": ...}]) or its
// run.json ("members": [names]) lists them; plain names only, never a path out of dir.
std::set<std::string> member_dirs(const fs::path& dir) {
  std::set<std::string> names;
  auto add = [&](const Json& value) {
    if (!value.is_string()) return;
    const std::string name = value.get<std::string>();
    if (!name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos)
      names.insert(name);
  };
  for (const char* file : {"ensemble.json", kRecordName}) {
    const Json json = Json::parse(read_text(dir / file), nullptr, false);
    if (!json.is_object() || !json.contains("members") || !json["members"].is_array()) continue;
    for (const Json& member : json["members"]) add(member.is_object() ? member.value("dir", Json()) : member);
  }
  return names;
}

Json read_record(const fs::path& dir) {
  const fs::path path = dir / kRecordName;
  std::error_code error;
  if (!fs::exists(path, error)) return Json();
  const Json record = Json::parse(read_text(path), nullptr, false);
  if (!record.is_object() || !record.contains("status") || !record["status"].is_string())
    throw IoError(path.string(), "not a skinrd run record (expected a JSON object with a \"status\")");
  return record;
}

// Why a directory that holds something cannot be run into without --force.
std::string refusal(const fs::path& dir) {
  const Json record = read_record(dir);
  const std::string status = record.is_object() ? record["status"].get<std::string>() : "";
  if (status == "completed") return "holds a completed run (use --force to replace its outputs)";
  if (!status.empty())
    return "holds a run that did not finish (run.json: " + status +
           "); `skinrd run --resume " + dir.string() + "` continues it, --force starts over";
  return "the output directory is not empty (use --force to replace a previous run's outputs; "
         "other files are kept)";
}

// Who held the directory and died: the lock file's owner, or a run.json still "running"
// (the lock file goes with a refused attempt; run.json stays). "" when nobody.
std::string dead_holder(const fs::path& dir, const std::string& lock_text) {
  const std::string holder = holder_of(lock_text);
  if (!holder.empty()) return holder;
  const Json record = Json::parse(read_text(dir / kRecordName), nullptr, false);
  return record.is_object() && record.value("status", std::string()) == "running" ? holder_of(record.dump())
                                                                                   : "";
}

bool empty_but_lock(const fs::path& dir) {
  std::error_code error;
  for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error))
    if (it->path().filename() != kLockName) return false;
  if (error) throw IoError(dir.string(), "cannot list: " + error.message());
  return true;
}

}  // namespace

void make_directory(const std::string& dir) {
  const fs::path path(dir);
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (fs::exists(status) && !fs::is_directory(status))
    throw IoError(dir, "exists and is not a directory; give --out a directory");
  fs::create_directories(path, error);
  if (error) throw IoError(dir, "cannot create the directory: " + error.message());
}

void remove_run_outputs(const std::string& dir) {
  const fs::path root(dir);
  const std::set<std::string> members = member_dirs(root);
  std::error_code error;
  std::vector<fs::path> doomed;
  for (fs::directory_iterator it(root, error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    std::error_code type_error;
    if (it->is_directory(type_error) && !it->is_symlink(type_error)) {
      if (members.count(name)) {
        remove_run_outputs(it->path().string());
        fs::remove(it->path(), type_error);  // stays when it holds a user's files
      }
    } else if (written_by_skinrd(name)) {
      doomed.push_back(it->path());
    }
  }
  if (error) throw IoError(dir, "cannot list: " + error.message());
  for (const fs::path& path : doomed)
    if (!fs::remove(path, error) && error)
      throw IoError(path.string(), "cannot remove the previous run's file: " + error.message());
}

std::string run_status(const std::string& dir) {
  const Json record = read_record(dir);
  return record.is_object() ? record["status"].get<std::string>() : "";
}

RunDirectory::RunDirectory(std::string dir, int lock_fd) : dir_(std::move(dir)), lock_fd_(lock_fd) {}

RunDirectory::RunDirectory(RunDirectory&& other) noexcept
    : dir_(std::move(other.dir_)), lock_fd_(other.lock_fd_), record_(std::move(other.record_)),
      running_(other.running_), notes_(std::move(other.notes_)) {
  other.lock_fd_ = -1;
  other.running_ = false;
}

RunDirectory::~RunDirectory() {
  if (running_) {
    try {
      failed("the run stopped without reporting how it ended");
    } catch (...) {  // a destructor cannot report more than it already tried
    }
  }
  if (lock_fd_ >= 0) {
    ::unlink((fs::path(dir_) / kLockName).c_str());  // while still locked: see acquire_lock
    ::close(lock_fd_);
  }
}

RunDirectory RunDirectory::create(const std::string& dir, bool force, const std::string& command_line) {
  make_directory(dir);
  std::string previous;
  RunDirectory run(dir, acquire_lock(dir, previous));
  const std::string started = now_iso();
  const std::string stale = dead_holder(dir, previous);
  if (!stale.empty())
    run.notes_.push_back("took over the lock of skinrd " + stale + " in " + dir + ": that process is gone");
  write_lock_owner(run.lock_fd_, fs::path(dir) / kLockName, started);
  // Only now, holding the lock, is the directory's content this run's to judge.
  if (!empty_but_lock(dir)) {
    if (!force) throw IoError(dir, refusal(dir));
    remove_run_outputs(dir);
  }
  run.record_ = Json{{"status", "running"},   {"started", started}, {"pid", ::getpid()},
                     {"host", host_name()},   {"command", command_line}}
                    .dump();
  run.write_record();
  run.running_ = true;
  return run;
}

RunDirectory RunDirectory::reopen(const std::string& dir, const std::string& command_line) {
  std::error_code error;
  if (!fs::is_directory(dir, error)) throw IoError(dir, "no such run directory to resume");
  std::string previous;
  RunDirectory run(dir, acquire_lock(dir, previous));
  const std::string now = now_iso();
  write_lock_owner(run.lock_fd_, fs::path(dir) / kLockName, now);
  Json record = read_record(dir);
  if (!record.is_object())
    throw IoError((fs::path(dir) / kRecordName).string(),
                  "missing: not a run directory that can be resumed (written before run.json existed?)");
  const std::string status = record["status"].get<std::string>();
  if (status == "completed")
    throw ConfigError("--resume", dir + ": the run completed; a completed run cannot be resumed "
                                        "(--force runs it again)");
  if (status == "running")  // we hold the lock, so whoever wrote this is gone
    run.notes_.push_back("the run in " + dir + " (skinrd " + dead_holder(dir, previous) +
                         ") was killed before it could record that: resuming from its last checkpoint");
  else if (status != "interrupted" && status != "failed")
    throw IoError((fs::path(dir) / kRecordName).string(), "unknown status '" + status + "'");
  for (const char* stale : {"finished", "error", "reason", "checkpoint_written"}) record.erase(stale);
  record["status"] = "running";
  record["pid"] = ::getpid();
  record["host"] = host_name();
  record["resume_command"] = command_line;
  if (!record.contains("resumed") || !record["resumed"].is_array()) record["resumed"] = Json::array();
  record["resumed"].push_back(now);
  run.record_ = record.dump();
  run.write_record();
  run.running_ = true;
  return run;
}

void RunDirectory::set_members(const std::vector<std::string>& names) {
  Json record = Json::parse(record_);
  record["members"] = names;
  record_ = record.dump();
  write_record();
}

void RunDirectory::set_status(const std::string& status, const std::string& key, const std::string& text) {
  Json record = Json::parse(record_);
  record["status"] = status;
  record["finished"] = now_iso();
  if (!key.empty()) record[key] = text;
  record_ = record.dump();
  running_ = false;  // even if the record cannot be written: the destructor must not retry
  write_record();
}

void RunDirectory::completed() { set_status("completed", "", ""); }

void RunDirectory::failed(const std::string& error) { set_status("failed", "error", error); }

void RunDirectory::interrupted(const std::string& reason, bool checkpoint_written) {
  Json record = Json::parse(record_);
  record["checkpoint_written"] = checkpoint_written;
  record_ = record.dump();
  set_status("interrupted", "reason", reason);
}

void RunDirectory::write_record() {
  write_atomically(fs::path(dir_) / kRecordName, Json::parse(record_).dump(2) + "\n");
}

}  // namespace skinrd::output
