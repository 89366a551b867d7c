#include "host/output/downsample.hpp"

#include <algorithm>
#include <string>

#include "host/error.hpp"

namespace skinrd::output {

Downsampler::Downsampler(const Grid& fine, int factor) : fine_(fine), factor_(factor) {
  fine_.material.clear();
  if (factor < 1) throw ConfigError("output.downsample", "must be at least 1, got " + std::to_string(factor));
  if (fine.nx % factor || fine.ny % factor)
    throw ConfigError("output.downsample",
                      std::to_string(factor) + " does not divide the lateral cells (" +
                          std::to_string(fine.nx) + " x " + std::to_string(fine.ny) +
                          "): choose a divisor, or a lateral_size that is a multiple of " +
                          std::to_string(factor) + " dx");
  coarse_.nx = fine.nx / factor;
  coarse_.ny = fine.ny / factor;
  coarse_.dx_um = fine.dx_um * factor;
  coarse_.z_faces_um.push_back(fine.z_faces_um.front());
  coarse_k_.resize(fine.nz);
  for (const LayerRange& layer : fine.layers) {
    LayerRange range = layer;
    range.k_begin = coarse_.nz;
    for (int k = layer.k_begin; k < layer.k_end; k += factor) {
      const int k_end = std::min(k + factor, layer.k_end);
      for (int f = k; f < k_end; ++f) coarse_k_[f] = coarse_.nz;
      coarse_.z_faces_um.push_back(fine.z_faces_um[k_end]);
      coarse_.dz_um.push_back(fine.z_faces_um[k_end] - fine.z_faces_um[k]);
      ++coarse_.nz;
    }
    range.k_end = coarse_.nz;
    coarse_.layers.push_back(range);
  }
  coarse_.material.assign(coarse_.voxel_count(), 0);  // not written: the `layer` array says it
}

std::vector<float> Downsampler::mean(const std::vector<float>& fine) const {
  // Σ c·dz over each block (dx² is the same for every cell), then divided by the block's.
  std::vector<double> sum(coarse_.voxel_count(), 0.0);
  for (int k = 0; k < fine_.nz; ++k)
    for (int j = 0; j < fine_.ny; ++j)
      for (int i = 0; i < fine_.nx; ++i)
        sum[coarse_.index(i / factor_, j / factor_, coarse_k_[k])] +=
            fine[fine_.index(i, j, k)] * fine_.dz_um[k];
  std::vector<float> coarse(sum.size());
  const double cells = static_cast<double>(factor_) * factor_;
  for (int K = 0; K < coarse_.nz; ++K)
    for (std::size_t v = 0; v < static_cast<std::size_t>(coarse_.nx) * coarse_.ny; ++v) {
      const std::size_t c = static_cast<std::size_t>(K) * coarse_.nx * coarse_.ny + v;
      coarse[c] = static_cast<float>(sum[c] / (cells * coarse_.dz_um[K]));
    }
  return coarse;
}

}  // namespace skinrd::output
