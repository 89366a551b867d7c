#pragma once
// One scenario's part of a run: its delivery events, its outputs and its summary. Its species
// are channels first_channel … first_channel + species − 1 of a Simulation it may share with
// the other members of an ensemble (SharedTissue).
#include <chrono>
#include <fstream>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "host/output/background_writer.hpp"
#include "host/output/downsample.hpp"
#include "host/output/vtk_writer.hpp"
#include "host/run/metrics.hpp"
#include "host/run/problem_builder.hpp"
#include "host/scenario/scenario.hpp"
#include "host/simulation.hpp"

namespace skinrd::run {

enum class EventKind { wipe_off, withdraw_needles, channels, apply_film, evaporation,
                       insert_needles, inject, infusion_change };

struct Event {
  double time_s;
  EventKind kind;
  int index;             // into scenario.topical, .boluses or .patches
  double elapsed_s = 0;  // channels: time since the needles were withdrawn
};

// The scenario's delivery events in time order (films, needles, channel closure, injections).
std::vector<Event> schedule(const scenario::Scenario& scenario);

// The Simulation every member steps in, and what members change of what their channels share
// (voxel material ids, the kind of top boundary) or of their own coefficients and top
// concentrations. Members' changes at one stop are gathered and committed together, so a
// change every member makes (needles inserted in all of them) is applied once.
template <class Real>
class SharedTissue {
 public:
  SharedTissue(Problem problem, BackendKind backend, Scheme scheme,
               const SimulationOptions& options = {});

  Simulation<Real>& sim() { return sim_; }
  const Simulation<Real>& sim() const { return sim_; }
  const Grid& grid() const { return sim_.problem().grid; }

  // Pending values: what members applying events at this stop see.
  const std::vector<std::uint8_t>& voxel_materials() const { return voxel_materials_; }
  // The tissue's material ids before any needle: what a withdrawn needle's track was.
  const std::vector<std::uint8_t>& original_voxel_materials() const { return original_; }
  void set_voxel_materials(std::vector<std::uint8_t> material);
  // The member's coefficients (a table of its own species) into its channels' columns.
  void set_member_materials(int first_channel, const MaterialTable& member_table);
  void set_member_top(int first_channel, kernels::TopBoundary top,
                      const std::vector<double>& top_concentration);
  void commit();

 private:
  Simulation<Real> sim_;
  MaterialTable materials_;
  Boundaries boundaries_;
  std::vector<std::uint8_t> voxel_materials_;
  const std::vector<std::uint8_t> original_;
  bool materials_changed_ = false, boundaries_changed_ = false, voxels_changed_ = false;
};

struct MemberOutput {
  std::string out_dir;
  bool force = false;  // write into a non-empty directory
  bool write_vtk = true;
  std::string backend_description, command_line;
  std::vector<std::pair<std::string, std::string>> provenance;  // extra entries (ensemble, member)
};

template <class Real>
class MemberRun {
 public:
  MemberRun(const scenario::Scenario& scenario, MemberOutput output, SharedTissue<Real>& tissue,
            int first_channel, output::BackgroundWriter& writer);

  const scenario::Scenario& scenario() const { return scenario_; }
  const std::vector<Event>& events() const { return events_; }
  const std::vector<std::vector<OutputRecord>>& records() const { return records_; }

  void open_outputs();  // IoError when the directory is not empty (without force)
  void add_infusions();
  void apply(const Event& event);
  // After the tissue's changes at t_s are committed: snapshots the fields; the outputs are
  // written by the writer's thread (the writer's finish() before reading records()).
  void record(double t_s);
  void write_summary(double wall_s, long long steps);

 private:
  int channel(int species) const { return first_channel_ + species; }
  Simulation<Real>& sim() { return tissue_.sim(); }
  void refresh_materials();
  // On the writer's thread: metrics, profiles, records and VTK of one snapshot.
  void write_record(double t_s, const FieldSnapshot<Real>& snapshot,
                    const std::vector<std::uint8_t>& material, const MaterialTable& materials);
  void record_profiles(double t_s, int species, std::span<const Real> free,
                       std::span<const Real> bound, std::span<const Real> internalised);

  const scenario::Scenario& scenario_;
  MemberOutput output_;
  SharedTissue<Real>& tissue_;
  int first_channel_;
  output::BackgroundWriter& writer_;
  std::vector<Event> events_;
  // Coefficients now: the tissue's, with the film on the skin (if any) and the channels'
  // state since the last patch was withdrawn.
  MaterialTable base_materials_;
  Film film_;
  double channel_elapsed_s_ = 1e300, channel_closure_s_ = 1;  // closed until needles leave
  int channel_patch_ = -1;  // the patch whose channels are open now
  std::vector<std::vector<OutputRecord>> records_;  // per species
  std::ofstream metrics_;
  std::ofstream profiles_;  // lateral-mean depth profiles at the output times
  std::unique_ptr<output::VtkSeries> vtk_;
  std::unique_ptr<output::Downsampler> downsampler_;  // [output] downsample > 1
};

}  // namespace skinrd::run
