#pragma once
// layers.json: what the material ids in a run's outputs mean (the `layer` and `material`
// arrays of its .vtr files): each id's name and kind, and for the cell layers their depth
// range below the skin surface. The ids are TissueMaterials' (0 vehicle, 1..L the layers,
// then needle, pores, blebs), so the same id means the same thing in every run of a site.
#include <nlohmann/json.hpp>

#include "host/grid.hpp"
#include "host/tissue_materials.hpp"

namespace skinrd::run {

nlohmann::ordered_json layer_table(const Grid& grid, int surface_k, const TissueMaterials& materials);

}  // namespace skinrd::run
