#include "host/tissue_materials.hpp"

#include "host/error.hpp"

namespace skinrd {

TissueMaterials::TissueMaterials(std::vector<std::string> layer_names) : layers_(std::move(layer_names)) {
  if (layers_.empty() || layer_count() > max_layers)
    throw ConfigError("tissue", "a tissue needs 1 to " + std::to_string(max_layers) + " layers, got " +
                                    std::to_string(layer_count()));
}

std::optional<std::uint8_t> TissueMaterials::layer_named(const std::string& name) const {
  for (int n = 0; n < layer_count(); ++n)
    if (layers_[n] == name) return layer(n);
  return std::nullopt;
}

std::optional<int> TissueMaterials::layer_of(std::uint8_t material) const {
  const int m = material, layers = layer_count();
  if (m >= 1 && m <= layers) return m - 1;
  if (m >= 2 + layers && m < 2 + 2 * layers) return m - 2 - layers;
  if (m >= 2 + 2 * layers && m < 2 + 3 * layers) return m - 2 - 2 * layers;
  return std::nullopt;
}

std::uint8_t TissueMaterials::pore_of(std::uint8_t material) const {
  const auto n = layer_of(material);
  return n ? pore(*n) : material;
}

std::uint8_t TissueMaterials::bleb_of(std::uint8_t material) const {
  const auto n = layer_of(material);
  return n ? bleb(*n) : material;
}

std::vector<std::string> TissueMaterials::names() const {
  std::vector<std::string> names = {"vehicle"};
  names.insert(names.end(), layers_.begin(), layers_.end());
  names.push_back("needle");
  for (const auto& layer : layers_) names.push_back("pore_" + layer);
  for (const auto& layer : layers_) names.push_back("bleb_" + layer);
  return names;
}

}  // namespace skinrd
