#pragma once
// Every column of the comparison's tables defined once (the report's glossary).
#include <string>
#include <vector>

namespace skinrd::compare {

struct GlossaryEntry {
  std::string term, definition;  // term: a column header without its unit
};

const std::vector<GlossaryEntry>& glossary();
// "peak in VE [% applied]" → "peak in VE".
std::string glossary_term(const std::string& header);

}  // namespace skinrd::compare
