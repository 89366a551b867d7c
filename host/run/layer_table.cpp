#include "host/run/layer_table.hpp"

namespace skinrd::run {

nlohmann::ordered_json layer_table(const Grid& grid, int surface_k, const TissueMaterials& materials) {
  const double surface_um = grid.z_faces_um[surface_k];
  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  for (const LayerRange& range : grid.layers)
    layers.push_back({{"id", range.material},
                      {"name", range.name},
                      {"z_top_um", grid.z_faces_um[range.k_begin] - surface_um},
                      {"z_bottom_um", grid.z_faces_um[range.k_end] - surface_um},
                      {"cells_k", {range.k_begin, range.k_end}}});
  const std::vector<std::string> names = materials.names();
  nlohmann::ordered_json ids = nlohmann::ordered_json::array();
  for (int id = 0; id < static_cast<int>(names.size()); ++id) {
    const auto material = static_cast<std::uint8_t>(id);
    const auto layer = materials.layer_of(material);
    const char* kind = id == TissueMaterials::vehicle    ? "vehicle"
                       : material == materials.needle()  ? "needle"
                       : material == materials.pore_of(material) && layer ? "pore"
                       : material == materials.bleb_of(material) && layer ? "bleb"
                                                                          : "layer";
    nlohmann::ordered_json entry = {{"id", id}, {"name", names[id]}, {"kind", kind}};
    if (layer && std::string(kind) != "layer") entry["in_layer"] = materials.layer_name(*layer);
    ids.push_back(entry);
  }
  return {{"z", "depth below the skin surface [um], down into the tissue; a film (the vehicle) at z < 0"},
          {"layers", layers},
          {"materials", ids}};
}

}  // namespace skinrd::run
