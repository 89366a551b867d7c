#pragma once
// The comparison as a reader sees it: a text table per species on the terminal, and the same
// values as compare.csv (one row per run and species), compare.md and compare.json (which
// the plot and report scripts in viz/ read).
#include <ostream>
#include <string>

#include "host/compare/comparison.hpp"

namespace skinrd::compare {

void print_tables(const Comparison& comparison, std::ostream& out);
// Writes compare.csv, compare.md and compare.json into out_dir (each written whole, then renamed).
void write_tables(const Comparison& comparison, const std::string& out_dir);

}  // namespace skinrd::compare
