#pragma once
// One scenario's part of a run: its deliveries' events, its outputs and its summary. Its
// species are lanes first_lane … first_lane + species − 1 of a Simulation it may share with
// the other members of an ensemble (SharedTissue). It is the tissue its deliveries change
// (delivery::DeliveryTissue).
#include <fstream>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "host/body/body_coupling.hpp"
#include "host/delivery/delivery.hpp"
#include "host/output/background_writer.hpp"
#include "host/output/downsample.hpp"
#include "host/output/vtk_writer.hpp"
#include "host/run/checkpoint.hpp"
#include "host/run/metrics.hpp"
#include "host/run/record_columns.hpp"
#include "host/run/shared_tissue.hpp"
#include "host/scenario/scenario.hpp"

namespace skinrd::run {

using delivery::Event;

// The scenario's delivery events in time order; at one time, in the order of their phases.
std::vector<Event> schedule(const scenario::Scenario& scenario);

// FNV-1a (64 bit) of the resolved scenario, in hex: identifies it in provenance and checkpoints.
std::string scenario_hash(const scenario::Scenario& scenario);

struct MemberOutput {
  std::string out_dir;  // locked and cleared by output::RunDirectory before the run
  bool write_vtk = true;
  std::string backend_description, command_line;
  std::vector<std::pair<std::string, std::string>> provenance;  // extra entries (ensemble, member)
};

template <class Real>
class MemberRun final : public delivery::DeliveryTissue {
 public:
  MemberRun(const scenario::Scenario& scenario, MemberOutput output, SharedTissue<Real>& tissue,
            int first_lane, output::BackgroundWriter& writer);

  const scenario::Scenario& scenario() const { return scenario_; }
  const std::vector<Event>& events() const { return events_; }
  const std::vector<std::vector<OutputRecord>>& records() const { return records_; }

  void open_outputs();  // IoError with the reason when a file cannot be made
  // Its part of a checkpoint, after the writer has finished: what it recorded and wrote so far.
  MemberCheckpoint save_checkpoint();
  // A resumed run: the state and records back, the outputs cut to what the checkpoint had
  // written and reopened to go on.
  void resume_outputs(const MemberCheckpoint& checkpoint);
  void add_sources();
  void apply(const Event& event);
  // After the tissue's changes at t_s are committed: snapshots the fields; the outputs are
  // written by the writer's thread (the writer's finish() before reading records()).
  void record(double t_s);
  // After a chunk of steps reaching t_s: the body's (and receptor's) pools take what left the
  // tissue, and their concentrations become the values beyond the bottom.
  void couple_body(double t_s);
  // Times the run must stop at for the body (a sampled receptor's replacements).
  std::vector<double> body_stops() const;
  void write_summary(double wall_s, long long steps);

  // delivery::DeliveryTissue
  const Grid& grid() const override { return tissue_.grid(); }
  int surface_k() const override { return surface_k_; }
  double time_s() const override { return tissue_.sim().time_s(); }
  delivery::SkinState& skin() override { return skin_; }
  void set_top_cells(int species, int k_end, double value, Tally tally) override;
  double amount_in_top_cells(int species, int k_end) override;
  void add_to(int species, const std::vector<std::size_t>& voxels, double per_volume) override;
  void empty(int species, const std::vector<std::size_t>& voxels) override;
  void add_source(int species, const std::vector<std::size_t>& voxels, double per_volume,
                  std::function<double(double)> delivered, std::optional<double> held_from_s) override;
  // What the devices hold of `species` at t_s and have not released (internal units).
  double in_device(int species, double t_s) const;
  const std::vector<std::uint8_t>& voxel_materials() const override { return tissue_.voxel_materials(); }
  const std::vector<std::uint8_t>& original_voxel_materials() const override {
    return tissue_.original_voxel_materials();
  }
  void set_voxel_materials(std::vector<std::uint8_t> material) override {
    tissue_.set_voxel_materials(std::move(material));
  }
  void set_top(kernels::TopBoundary top, const std::vector<double>& concentration) override {
    tissue_.set_member_top(first_lane_, top, concentration);
  }
  void coefficients_changed(bool gradual) override {
    coefficients_changed_ = true;
    gradual_change_ = gradual_change_ && gradual;
  }

 private:
  int lane(int species) const { return first_lane_ + species; }
  Simulation<Real>& sim() { return tissue_.sim(); }
  void refresh_materials(bool gradual = false);
  void open_vtk();  // the field series (none without VTK output), as a new or a resumed run
  // On the writer's thread: metrics, profiles, records and VTK of one snapshot.
  void write_record(double t_s, const FieldSnapshot<Real>& snapshot,
                    const std::vector<std::uint8_t>& material, const MaterialTable& materials,
                    const std::vector<body::BodyRecord>& body, double bleb_fluid_fraction,
                    const std::vector<double>& held);
  void record_profiles(double t_s, int species, std::span<const Real> free,
                       std::span<const Real> bound, std::span<const Real> internalised);

  const scenario::Scenario& scenario_;
  MemberOutput output_;
  SharedTissue<Real>& tissue_;
  int first_lane_;
  int surface_k_;
  output::BackgroundWriter& writer_;
  std::vector<Event> events_;
  body::BodyCoupling body_;
  // Coefficients now: the tissue's, as the deliveries and the skin's state set them.
  MaterialTable base_materials_;
  delivery::SkinState skin_;
  bool coefficients_changed_ = false, gradual_change_ = true;
  // A device's payload: `amount` (internal units, as the source's q holds it) from `from_s`
  // on, of which F(t) is released.
  struct DevicePayload {
    int species;
    double amount, from_s;
    std::function<double(double)> released;
  };
  std::vector<DevicePayload> device_payloads_;
  std::vector<MetricsColumn> metrics_columns_;
  std::vector<std::vector<OutputRecord>> records_;  // per species
  std::ofstream metrics_;
  std::ofstream profiles_;  // lateral-mean depth profiles at the output times
  std::unique_ptr<output::VtkSeries> vtk_;
  std::unique_ptr<output::Downsampler> downsampler_;  // [output] downsample > 1
};

}  // namespace skinrd::run
