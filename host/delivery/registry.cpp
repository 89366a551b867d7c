// The delivery kinds a scenario file may hold, in the order their coefficients are set and
// their sources added. A new kind: its file pair in host/delivery/ and one line here.
#include "host/delivery/delivery.hpp"
#include "host/delivery/intradermal_bolus.hpp"
#include "host/delivery/microneedle_patch.hpp"
#include "host/delivery/topical_film.hpp"

namespace skinrd::delivery {

Deliveries::Deliveries() {
  kinds_.push_back(std::make_unique<TopicalFilms>());
  kinds_.push_back(std::make_unique<MicroneedlePatches>());
  kinds_.push_back(std::make_unique<IntradermalBoluses>());
}

Deliveries::Deliveries(const Deliveries& other) {
  for (const auto& kind : other.kinds_) kinds_.push_back(kind->clone());
}

Deliveries& Deliveries::operator=(const Deliveries& other) {
  if (this != &other) *this = Deliveries(other);
  return *this;
}

Deliveries::~Deliveries() = default;

bool Deliveries::empty() const {
  for (const auto& kind : kinds_)
    if (!kind->empty()) return false;
  return true;
}

}  // namespace skinrd::delivery
