#include "host/compare/glossary.hpp"

namespace skinrd::compare {

const std::vector<GlossaryEntry>& glossary() {
  static const std::vector<GlossaryEntry> entries = {
      {"rank", "order by the target metric: exposure of the target layer at or above EC, then time "
               "above EC, then the target layer's AUC"},
      {"run", "the run's scenario name (its description is in the list of runs)"},
      {"key", "a setting of the runs' resolved scenario.toml, as a dotted path (microneedle.0.length: "
              "the first [[microneedle]] entry's length)"},
      {"layer", "a skin layer"},
      {"applied", "the dose the route applied: what entered the film or tissue plus what the device "
                  "held and never released (needle residue)"},
      {"delivered", "what left the device into the simulated film or tissue, % of the applied dose"},
      {"peak in VE", "largest share of the applied dose (free + bound + internalised) in the viable "
                     "epidermis at an output time"},
      {"peak in dermis", "largest share of the applied dose in the papillary + reticular dermis at an "
                         "output time"},
      {"peak in target", "largest mean free concentration of the target layer at an output time"},
      {"at", "the output time of the peak in the column before"},
      {"time >= EC in target", "time with at least half of the target layer's volume at or above the "
                               "effective concentration (EC, a free interstitial-fluid concentration)"},
      {"exposure in target", "the integral over time of the target layer's volume fraction at or above EC"},
      {"depth", "the deepest depth below the skin surface (cell centre) where the lateral mean of the "
                "free interstitial-fluid concentration (c/K) reached EC/100 at an output time; "
                "'not reached' where it did nowhere"},
      {"degraded", "share of the applied dose broken down in the tissue"},
      {"cleared", "share of the applied dose cleared into blood and lymph"},
      {"internalised", "share of the applied dose inside cells at the end of the window"},
      {"left in device", "share of the applied dose that left with the device: needle residue at "
                         "removal, a film wiped off, tissue content the needles displaced"},
      {"lost bottom", "share of the applied dose that crossed the bottom of the tissue"},
      {"ledger residual", "largest relative mass-balance error of the run's ledger (0: every amount "
                          "accounted for)"},
      {"peak mean free conc", "largest mean free concentration of the layer at an output time"},
      {"AUC", "the integral over time of the layer's mean free concentration"},
      {"systemic Cmax", "largest plasma concentration of the patient's systemic compartment"},
      {"plasma Cmax", "largest plasma concentration of the patient's systemic compartment"},
      {"tmax", "the time of the plasma Cmax"},
      {"plasma AUC", "the integral over time of the plasma concentration"},
      {"in receptor", "share of the applied dose in a receptor below the tissue (and collected from it)"},
  };
  return entries;
}

std::string glossary_term(const std::string& header) {
  const auto bracket = header.find(" [");
  return bracket == std::string::npos ? header : header.substr(0, bracket);
}

}  // namespace skinrd::compare
