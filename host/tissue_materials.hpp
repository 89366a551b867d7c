#pragma once
// The material ids of a problem's voxels, by name: the film on the skin, the five tissue layers
// (in the library's order, scenario::tissue_materials()), a needle body and the pores a needle
// (or any delivery that breaches the barrier) leaves in the stratum corneum and viable epidermis.
#include <cstdint>

namespace skinrd {

enum class MaterialId : std::uint8_t {
  vehicle = 0,
  stratum_corneum = 1,
  viable_epidermis = 2,
  papillary_dermis = 3,
  reticular_dermis = 4,
  hypodermis = 5,
  needle = 6,
  pore_stratum_corneum = 7,
  pore_viable_epidermis = 8,
};

constexpr std::uint8_t id(MaterialId m) { return static_cast<std::uint8_t>(m); }

// The table's material names, in id order.
inline constexpr const char* kMaterialNames[] = {
    "vehicle",          "stratum_corneum",  "viable_epidermis",
    "papillary_dermis", "reticular_dermis", "hypodermis",
    "needle",           "pore_stratum_corneum", "pore_viable_epidermis"};

// The tissue layer whose track a pore is (the coefficients it relaxes to as it closes), or the
// id itself for a voxel that is no pore.
constexpr std::uint8_t pore_of(std::uint8_t material) {
  return material == id(MaterialId::stratum_corneum)    ? id(MaterialId::pore_stratum_corneum)
         : material == id(MaterialId::viable_epidermis) ? id(MaterialId::pore_viable_epidermis)
                                                        : material;
}

}  // namespace skinrd
