#pragma once
// Coarser fields for output: blocks of factor × factor × factor cells (laterally; vertically
// `factor` cell layers, never across a tissue layer's boundary) replaced by their volume-
// weighted mean, so each coarse cell holds the amount of its block and totals are kept.
// For large domains, whose full fields would not fit on disk at every output time.
#include <cstddef>
#include <vector>

#include "host/grid.hpp"

namespace skinrd::output {

class Downsampler {
 public:
  // ConfigError (key output.downsample) for a factor below 1 or one that does not divide the
  // lateral cell counts.
  Downsampler(const Grid& fine, int factor);

  const Grid& coarse() const { return coarse_; }
  // The coarse field of a fine one (one value per fine voxel, x fastest).
  std::vector<float> mean(const std::vector<float>& fine) const;

 private:
  Grid fine_;  // its geometry (no material ids)
  int factor_;
  Grid coarse_;
  std::vector<int> coarse_k_;  // per fine cell layer k
};

}  // namespace skinrd::output
