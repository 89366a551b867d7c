#pragma once
// The material ids of a problem's voxels: the film on the skin, the tissue's layers (the site's
// five, or the scenario's own list), a needle body, and for every layer the fluid-filled pores a
// needle leaves in it and the bleb an injection makes in it. Ids are laid out
//   0 vehicle · 1..L layers · L+1 needle · L+2..2L+1 pores · 2L+2..3L+1 blebs
// so that a site's five layers keep the ids 1..5.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace skinrd {

class TissueMaterials {
 public:
  static constexpr std::uint8_t vehicle = 0;
  // uint8 ids: 3 per layer beside the vehicle and the needle.
  static constexpr int max_layers = 84;

  explicit TissueMaterials(std::vector<std::string> layer_names);

  int layer_count() const { return static_cast<int>(layers_.size()); }
  int count() const { return 2 + 3 * layer_count(); }
  const std::string& layer_name(int n) const { return layers_[n]; }

  std::uint8_t layer(int n) const { return static_cast<std::uint8_t>(1 + n); }
  std::optional<std::uint8_t> layer_named(const std::string& name) const;
  std::uint8_t needle() const { return static_cast<std::uint8_t>(1 + layer_count()); }
  std::uint8_t pore(int n) const { return static_cast<std::uint8_t>(2 + layer_count() + n); }
  std::uint8_t bleb(int n) const { return static_cast<std::uint8_t>(2 + 2 * layer_count() + n); }

  // The layer (index) a voxel of this material belongs to: itself, its pore or its bleb.
  std::optional<int> layer_of(std::uint8_t material) const;
  // The pore or bleb of a layer's material; any other id is returned as it is.
  std::uint8_t pore_of(std::uint8_t material) const;
  std::uint8_t bleb_of(std::uint8_t material) const;

  // Names in id order: vehicle, the layers, needle, pore_<layer>…, bleb_<layer>….
  std::vector<std::string> names() const;

 private:
  std::vector<std::string> layers_;
};

}  // namespace skinrd
