#pragma once
// A delivery kind (DESIGN §1): how a product gets onto or into the skin. Each kind is one
// module here (a file pair): it reads its [[key]] entries of a scenario file, checks them,
// lists its events, and at each event changes one member's tissue through a DeliveryTissue:
// fields, voxel materials, the top boundary, sources, and the skin's state that other kinds
// read (the film on the surface, open pores). registry.cpp lists the kinds.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "host/materials.hpp"
#include "kernels/views.hpp"

namespace skinrd {
struct Grid;
}
namespace skinrd::scenario {
struct Scenario;
class TomlSection;
}  // namespace skinrd::scenario

namespace skinrd::delivery {

class Delivery;

// The events of one stop happen in this order: what leaves the skin before what arrives.
enum class Phase { take_off, withdraw, heal, put_on, age, insert, inject, change_rate };

struct Event {
  double time_s = 0;
  Phase phase = Phase::take_off;
  const Delivery* delivery = nullptr;  // the kind that applies it
  int action = 0;                      // the kind's own event code
  int entry = 0;                       // the kind's entry
  double value = 0;                    // the kind's own parameter (time since withdrawal)
};

// Whether an event starts a change the outputs follow closely (a dose applied, injected or
// wiped off, needles in or out, an infusion's rate), not one of the small updates a gradual
// process is followed in (a film drying, pores closing, a bleb resorbing).
inline bool starts_change(const Event& event) {
  return event.phase != Phase::heal && event.phase != Phase::age;
}

// What one kind leaves on or in the skin that another kind reads.
struct SkinState {
  // The film on the skin: the first entry of the kind that put it there (none: -1).
  const Delivery* film_owner = nullptr;
  int film_entry = -1;
  // What fills an open pore from above, per species: the film's D while a film covers the
  // skin; empty: interstitial fluid (each species' D in water).
  std::vector<double> pore_fill_diffusion_um2_per_s;
  // A saturated film's partition per species, c̄/S from its mean content c̄ and solubility S at
  // the latest saturation update: the film's partition is at least this (0: none).
  std::vector<double> film_saturated_partition;
  // The pores open now close completely `pore_closure_s` after the needles left them
  // (host/delivery/fluid_spaces.hpp); the coefficients follow the open fraction at the
  // middle of each stretch between the kind's closure events.
  double pore_elapsed_s = 1e300, pore_closure_s = 1;  // closed until a delivery opens them
  const Delivery* pore_owner = nullptr;               // whose pores are open now
  int pore_entry = -1;
  // The fraction of the bleb voxels (the latest injection time's) that is injected fluid, as the
  // coefficients take it (each stretch between the kind's events at its middle), and the
  // injection it follows: its start, infusion time and the fluid's resorption half-life.
  double bleb_fluid_fraction = 0;
  int bleb_entry = -1;
  double bleb_start_s = 0, bleb_infusion_s = 0, bleb_half_life_s = 1;
};

// A layer a kind puts on top of the skin (a film).
struct SurfaceLayer {
  double thickness_um = 0, dz_um = 0;
};

// One member's tissue as a delivery changes it; amounts per volume in internal units.
class DeliveryTissue {
 public:
  virtual ~DeliveryTissue() = default;
  virtual const Grid& grid() const = 0;
  virtual int surface_k() const = 0;  // the first tissue cell layer (below any film)
  virtual double time_s() const = 0;
  virtual SkinState& skin() = 0;

  enum class Tally { dosed, removed };
  // The free field of `species` in cell layers [0, k_end) set to `value`.
  virtual void set_top_cells(int species, int k_end, double value, Tally tally) = 0;
  // The free amount of `species` in cell layers [0, k_end) (internal units).
  virtual double amount_in_top_cells(int species, int k_end) = 0;
  // Adds `per_volume` to each voxel (dosed).
  virtual void add_to(int species, const std::vector<std::size_t>& voxels, double per_volume) = 0;
  // Empties the voxels that hold anything (removed).
  virtual void empty(int species, const std::vector<std::size_t>& voxels) = 0;
  // A source of `per_volume` per unit of F(t) in each voxel; F: what was delivered by t.
  // held_from_s: a device (a coated or dissolving patch) holds the whole payload, F = 1, from
  // that time on; what it has not released, 1 − F(t), is in the device (the ledger's
  // in_device). nullopt: a pump or syringe, which holds nothing the run accounts for.
  virtual void add_source(int species, const std::vector<std::size_t>& voxels, double per_volume,
                          std::function<double(double)> delivered,
                          std::optional<double> held_from_s) = 0;

  // Voxel material ids pending at this stop, and those before any delivery changed them.
  virtual const std::vector<std::uint8_t>& voxel_materials() const = 0;
  virtual const std::vector<std::uint8_t>& original_voxel_materials() const = 0;
  virtual void set_voxel_materials(std::vector<std::uint8_t> material) = 0;
  // The top boundary and its reference-phase concentration per species.
  virtual void set_top(kernels::TopBoundary top, const std::vector<double>& concentration) = 0;
  // The skin's state changed what the coefficients are: they are computed again. Gradual: one
  // stretch of a gradual process (pores closing, a bleb's fluid resorbing, a film drying or its
  // solid dissolving), whose small change of coefficients needs no start-up smoothing of the
  // time stepping (those restarts cost float fields about 3e-6 of the dose each).
  virtual void coefficients_changed(bool gradual = false) = 0;
};

class Delivery {
 public:
  virtual ~Delivery() = default;
  virtual std::unique_ptr<Delivery> clone() const = 0;
  virtual const char* key() const = 0;  // its array of tables in a scenario file: [[key]]
  virtual bool empty() const = 0;       // no entries

  // One [[key]] entry, after [run], [tissue] and [species] are read.
  virtual void read(scenario::TomlSection& entry, const scenario::Scenario& scenario) = 0;
  // After every entry of every kind is read: checks across entries and kinds, and values that
  // depend on other kinds (a needle's pores under an occlusive film).
  virtual void settle(scenario::Scenario& scenario, scenario::TomlSection& root) = 0;

  virtual std::optional<SurfaceLayer> surface_layer() const { return std::nullopt; }
  virtual void schedule(double duration_s, std::vector<Event>& events) const = 0;
  // What one of its events does, in the user's words, for `skinrd check`'s schedule ("patch
  // put on: 100 dissolving needles 600 um long, 100 ng of VEGF"). The updates of a gradual
  // process (not starts_change) read alike, so that they are listed as one line with a count.
  virtual std::string describe(const Event& event, const scenario::Scenario& scenario) const = 0;
  // Sources that run from the start (infusions, releases), and what each event does.
  virtual void add_sources(const scenario::Scenario&, DeliveryTissue&) const {}
  virtual void apply(const Event& event, const scenario::Scenario& scenario,
                     DeliveryTissue& tissue) const = 0;
  // The member's coefficients now, given the skin's state (after the tissue's own, before the
  // pores').
  virtual void set_coefficients(MaterialTable& /*member_table*/, const scenario::Scenario&,
                                const SkinState&, double /*t_s*/) const {}
  // What of its entries the grid resolves by fewer than about two cells (`check` warns).
  virtual void resolution_warnings(const scenario::Scenario& /*scenario*/, const Grid& /*grid*/,
                                   int /*surface_k*/, std::vector<std::string>& /*warnings*/) const {}
  // Sources it adds per species, for the memory budget.
  virtual void count_sources(std::vector<int>& /*per_species*/) const {}
  // Why a member with these entries cannot step in one Simulation with the first member (its
  // entries of this kind `first`); `any_fixed_top`: some member holds the top at a fixed
  // concentration. Empty when it can.
  virtual std::string ensemble_conflict(const Delivery& /*first*/, bool /*any_fixed_top*/) const {
    return "";
  }
  virtual bool fixes_top() const { return false; }
};

// The kinds of a scenario: one of each registered kind (registry.cpp), in the registry's order,
// each with its entries (none when the file has none). Copies are deep.
class Deliveries {
 public:
  Deliveries();
  Deliveries(const Deliveries& other);
  Deliveries& operator=(const Deliveries& other);
  Deliveries(Deliveries&&) noexcept = default;
  Deliveries& operator=(Deliveries&&) noexcept = default;
  ~Deliveries();

  auto begin() const { return kinds_.begin(); }
  auto end() const { return kinds_.end(); }
  std::size_t size() const { return kinds_.size(); }
  const Delivery& operator[](std::size_t i) const { return *kinds_[i]; }
  Delivery& operator[](std::size_t i) { return *kinds_[i]; }
  bool empty() const;  // no entries of any kind

  template <class Kind>
  Kind& get() {
    for (auto& kind : kinds_)
      if (auto* k = dynamic_cast<Kind*>(kind.get())) return *k;
    throw std::logic_error("delivery kind not registered");
  }
  template <class Kind>
  const Kind& get() const {
    return const_cast<Deliveries*>(this)->get<Kind>();
  }

 private:
  std::vector<std::unique_ptr<Delivery>> kinds_;
};

// What every kind defines (in its .cpp), declared once (as Ginkgo's GKO_ macros do).
#define SKINRD_DELIVERY_KIND_OVERRIDES                                                         \
  void read(scenario::TomlSection& entry, const scenario::Scenario& scenario) override;        \
  void settle(scenario::Scenario& scenario, scenario::TomlSection& root) override;             \
  void schedule(double duration_s, std::vector<Event>& events) const override;                 \
  std::string describe(const Event& event, const scenario::Scenario& scenario) const override; \
  void apply(const Event& event, const scenario::Scenario& scenario, DeliveryTissue& tissue)   \
      const override;

// The base of a kind: its copy.
template <class Kind>
class DeliveryKind : public Delivery {
 public:
  std::unique_ptr<Delivery> clone() const override {
    return std::make_unique<Kind>(static_cast<const Kind&>(*this));
  }
};

}  // namespace skinrd::delivery
