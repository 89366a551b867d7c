#pragma once
// Checkpoints of a run (DESIGN: runs that survive): everything the rest of a run depends on,
// written atomically into the run directory as `checkpoint.skinrd`, so `skinrd run --resume DIR`
// continues bit for bit as if never stopped (same build, backend and threads).
//
// Format (version 1): a cereal portable-binary stream of a CheckpointHeader, then the
// Simulation's state (fields, tallies, clock, controller step, coefficients, voxel materials,
// boundaries), the driver's position (stop, next event per member, the chunk being stepped) and
// per member its skin state, body pools, output records and the lengths of its CSV files and
// VTK series. A reader checks the header first and refuses a checkpoint of another format,
// build, precision or scenario with the reason.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "host/delivery/delivery.hpp"
#include "host/run/metrics.hpp"
#include "host/sim/simulation_state.hpp"

namespace skinrd::run {

inline constexpr const char* kCheckpointFile = "checkpoint.skinrd";
inline constexpr int kCheckpointVersion = 1;

// What the run was started from, so `run --resume DIR` can load it again.
struct RunInputs {
  std::string scenario_path, ensemble_path, library;  // absolute paths ("" where not given)
  std::vector<std::string> overrides;
  std::string backend;  // as asked: auto, cpu or cuda
};

struct CheckpointHeader {
  std::string format = "skinrd-checkpoint";
  int version = kCheckpointVersion;
  std::string skinrd_version, git_revision, precision, backend;
  int threads = 0;
  std::vector<std::string> scenario_hashes;  // per member, of its resolved scenario
  RunInputs inputs;
  double time_s = 0;
  long long steps = 0;
  double wall_s = 0;  // wall time of the run so far, over all its sessions
};

// Where the driver is: stops before stop_index are done; within the stop's advance, a chunk
// ending at chunk_end_s is being stepped (in_chunk) and resumes to that same end.
struct DriverPosition {
  std::uint64_t stop_index = 0;
  std::vector<std::uint64_t> next_event;  // per member
  bool in_chunk = false;
  double chunk_end_s = 0;
};

struct MemberCheckpoint {
  delivery::SkinState skin;  // its Delivery pointers saved as kind indices:
  int film_owner_kind = -1, pore_owner_kind = -1;
  std::string body;  // body::BodyCoupling, serialized by the member
  std::vector<std::vector<OutputRecord>> records;
  std::uint64_t metrics_bytes = 0, profiles_bytes = 0;
  std::vector<std::pair<double, std::string>> vtk_entries;  // time, file
};

template <class Real>
struct Checkpoint {
  CheckpointHeader header;
  sim::SimulationState<Real> simulation;
  DriverPosition position;
  std::vector<MemberCheckpoint> members;
};

// Written whole or not at all (DIR/checkpoint.skinrd.tmp renamed over it).
template <class Real>
void write_checkpoint(const std::string& dir, const Checkpoint<Real>& checkpoint);
// The header alone; IoError when the file is missing, not a checkpoint or of another version.
CheckpointHeader read_checkpoint_header(const std::string& dir);
// The whole checkpoint; IoError as above, or when its precision is not Real's.
template <class Real>
Checkpoint<Real> read_checkpoint(const std::string& dir);

// The body pools to and from MemberCheckpoint::body.
template <class T>
std::string serialize_to_string(T& object);
template <class T>
void deserialize_from_string(const std::string& bytes, T& object);

}  // namespace skinrd::run
