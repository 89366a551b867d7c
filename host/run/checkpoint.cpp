#include "host/run/checkpoint.hpp"

#include <cereal/archives/portable_binary.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/utility.hpp>
#include <cereal/types/vector.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "host/body/body_coupling.hpp"
#include "host/error.hpp"
#include "host/output/atomic_file.hpp"

// cereal's serialize functions for the types a checkpoint holds, beside each type's namespace
// (found by argument-dependent lookup).
namespace skinrd::kernels {
template <class Archive, class Real>
void serialize(Archive& archive, MaterialCoeffs<Real>& coeffs) {
#define SKINRD_COEFF_ARCHIVE(name, initial, rule) archive(coeffs.name);
  SKINRD_MATERIAL_COEFFS(SKINRD_COEFF_ARCHIVE)
#undef SKINRD_COEFF_ARCHIVE
}
}  // namespace skinrd::kernels

namespace skinrd {
template <class Archive>
void serialize(Archive& archive, Boundaries& b) {
  archive(b.periodic_lateral, b.top, b.top_concentration, b.bottom, b.bottom_concentration);
}
template <class Archive>
void serialize(Archive& archive, SpeciesLedger& l) {
  archive(l.species, l.layer_names, l.free_by_layer, l.bound_by_layer, l.internalised_by_layer,
          l.dosed, l.removed, l.entered_top, l.added_by_source, l.degraded, l.cleared,
          l.lost_bottom, l.bound_net, l.internalised);
}
}  // namespace skinrd

namespace skinrd::sim {
template <class Archive>
void serialize(Archive& archive, Clock& c) {
  archive(c.time_s, c.steps, c.smoothing_steps_left);
}
template <class Archive, class Real>
void serialize(Archive& archive, SimulationState<Real>& s) {
  archive(s.free, s.bound, s.internalised, s.tallies, s.dosed, s.removed, s.clock,
          s.controller_next_dt_s, s.coefficients, s.voxel_materials, s.boundaries);
}
}  // namespace skinrd::sim

namespace skinrd::body {
template <class Archive>
void serialize(Archive& archive, WellStirredPool& p) {
  archive(p.volume_um3, p.loss_per_s, p.amount, p.received, p.removed, p.amount_time_s,
          p.peak_amount, p.peak_time_s);
}
template <class Archive>
void serialize(Archive& archive, BodyRecord& r) {
  archive(r.systemic, r.plasma_concentration, r.systemic_amount, r.eliminated,
          r.plasma_peak_concentration, r.plasma_peak_time_s, r.plasma_auc_conc_s,
          r.receptor_amount, r.receptor_concentration, r.collected, r.residual);
}
}  // namespace skinrd::body

namespace skinrd::delivery {
template <class Archive>
void serialize(Archive& archive, SkinState& s) {  // the owners are saved as kind indices
  archive(s.film_entry, s.pore_fill_diffusion_um2_per_s, s.film_saturated_partition,
          s.pore_elapsed_s, s.pore_closure_s, s.pore_entry, s.bleb_fluid_fraction, s.bleb_entry,
          s.bleb_start_s, s.bleb_infusion_s, s.bleb_half_life_s);
}
}  // namespace skinrd::delivery

namespace skinrd::run {

template <class Archive>
void serialize(Archive& archive, LayerRecord& l) {
  archive(l.name, l.volume_um3, l.free, l.bound, l.internalised, l.mean_free_concentration,
          l.fraction_at_or_above_ec);
}
template <class Archive>
void serialize(Archive& archive, OutputRecord& r) {
  archive(r.time_s, r.species, r.ledger, r.layers, r.penetration_depth_um,
          r.interface_flux_per_s, r.ledger_residual, r.bleb_fluid_uL, r.body);
}
template <class Archive>
void serialize(Archive& archive, RunInputs& i) {
  archive(i.scenario_path, i.ensemble_path, i.library, i.overrides, i.backend);
}
template <class Archive>
void serialize(Archive& archive, CheckpointHeader& h) {
  archive(h.format, h.version, h.skinrd_version, h.git_revision, h.precision, h.backend,
          h.threads, h.scenario_hashes, h.inputs, h.time_s, h.steps, h.wall_s);
}
template <class Archive>
void serialize(Archive& archive, DriverPosition& p) {
  archive(p.stop_index, p.next_event, p.in_chunk, p.chunk_end_s);
}
template <class Archive>
void serialize(Archive& archive, MemberCheckpoint& m) {
  archive(m.skin, m.film_owner_kind, m.pore_owner_kind, m.body, m.records, m.metrics_bytes,
          m.profiles_bytes, m.vtk_entries);
}

namespace {

namespace fs = std::filesystem;

std::string path_of(const std::string& dir) { return (fs::path(dir) / kCheckpointFile).string(); }

// The file: 8 bytes of magic, the payload's length and FNV-1a hash (8 bytes each, little
// endian), then the payload (cereal): a truncated or damaged file is refused before cereal
// reads a length from it.
constexpr char kMagic[8] = {'S', 'K', 'R', 'D', 'C', 'K', 'P', 'T'};

std::uint64_t fnv1a(const std::string& bytes) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
  return h;
}

void put_u64(std::string& out, std::uint64_t value) {
  for (int b = 0; b < 8; ++b) out.push_back(static_cast<char>((value >> (8 * b)) & 0xff));
}

std::uint64_t get_u64(const std::string& in, std::size_t at) {
  std::uint64_t value = 0;
  for (int b = 0; b < 8; ++b) value |= std::uint64_t(static_cast<unsigned char>(in[at + b])) << (8 * b);
  return value;
}

// The payload of the checkpoint file, checked; IoError with the reason otherwise.
std::string read_payload(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path, "no checkpoint to resume from");
  std::ostringstream text;
  text << in.rdbuf();
  const std::string file = text.str();
  if (file.size() < 24 || file.compare(0, 8, kMagic, 8) != 0) throw IoError(path, "not a skinrd checkpoint");
  const std::uint64_t size = get_u64(file, 8), hash = get_u64(file, 16);
  std::string payload = file.substr(24);
  if (payload.size() != size || fnv1a(payload) != hash)
    throw IoError(path, "the checkpoint is truncated or damaged (" + std::to_string(payload.size()) + " of " +
                            std::to_string(size) + " bytes, or their hash differs)");
  return payload;
}

// Reads the header from a checked payload, refusing another format version.
CheckpointHeader read_header(std::istream& in, const std::string& path) {
  CheckpointHeader header;
  try {
    cereal::PortableBinaryInputArchive archive(in);
    archive(header);
  } catch (const cereal::Exception& error) {
    throw IoError(path, std::string("not a readable skinrd checkpoint (") + error.what() + ")");
  }
  if (header.format != "skinrd-checkpoint") throw IoError(path, "not a skinrd checkpoint");
  if (header.version != kCheckpointVersion)
    throw IoError(path, "checkpoint format version " + std::to_string(header.version) +
                            "; this skinrd reads version " + std::to_string(kCheckpointVersion));
  return header;
}

}  // namespace

template <class T>
std::string serialize_to_string(T& object) {
  std::ostringstream out(std::ios::binary);
  {
    cereal::PortableBinaryOutputArchive archive(out);
    archive(object);
  }
  return out.str();
}

template <class T>
void deserialize_from_string(const std::string& bytes, T& object) {
  std::istringstream in(bytes, std::ios::binary);
  cereal::PortableBinaryInputArchive archive(in);
  archive(object);
}

template std::string serialize_to_string(body::BodyCoupling&);
template void deserialize_from_string(const std::string&, body::BodyCoupling&);

template <class Real>
void write_checkpoint(const std::string& dir, const Checkpoint<Real>& checkpoint) {
  std::ostringstream out(std::ios::binary);
  {
    cereal::PortableBinaryOutputArchive archive(out);
    auto& c = const_cast<Checkpoint<Real>&>(checkpoint);  // cereal's serialize is not const
    archive(c.header, c.simulation, c.position, c.members);
  }
  const std::string payload = out.str();
  std::string file(kMagic, sizeof kMagic);
  put_u64(file, payload.size());
  put_u64(file, fnv1a(payload));
  output::write_atomically(path_of(dir), file + payload);
}

CheckpointHeader read_checkpoint_header(const std::string& dir) {
  const std::string path = path_of(dir);
  std::istringstream in(read_payload(path), std::ios::binary);
  return read_header(in, path);
}

template <class Real>
Checkpoint<Real> read_checkpoint(const std::string& dir) {
  const std::string path = path_of(dir);
  std::istringstream in(read_payload(path), std::ios::binary);
  Checkpoint<Real> checkpoint;
  checkpoint.header = read_header(in, path);
  const char* precision = sizeof(Real) == sizeof(double) ? "double" : "float";
  if (checkpoint.header.precision != precision)
    throw IoError(path, "the checkpoint holds " + checkpoint.header.precision + " fields, the run " +
                            precision);
  try {
    in.seekg(0);
    cereal::PortableBinaryInputArchive archive(in);
    archive(checkpoint.header, checkpoint.simulation, checkpoint.position, checkpoint.members);
  } catch (const cereal::Exception& error) {
    throw IoError(path, std::string("the checkpoint is truncated or damaged (") + error.what() + ")");
  }
  return checkpoint;
}

template void write_checkpoint(const std::string&, const Checkpoint<float>&);
template void write_checkpoint(const std::string&, const Checkpoint<double>&);
template Checkpoint<float> read_checkpoint(const std::string&);
template Checkpoint<double> read_checkpoint(const std::string&);

}  // namespace skinrd::run
