#pragma once
// A well-stirred pool of one species outside the tissue with first-order loss k: the body's
// systemic compartment (k the elimination rate) or a receptor chamber (k the flow-through
// washout Q/V). Between couplings the input arrives at a constant rate, so each step is exact:
//   A(t + Δt) = A·e^{−kΔt} + I·(1 − e^{−kΔt})/(kΔt),
// with I the amount that arrived over Δt; what leaves is tallied (removed), and ∫A dt is exact.
namespace skinrd::body {

struct WellStirredPool {
  double volume_um3 = 1;    // the pool's volume; amounts are concentration × um^3
  double loss_per_s = 0;    // k
  double amount = 0;        // A now
  double received = 0;      // Σ I
  double removed = 0;       // eliminated (body) or washed out (receptor)
  double amount_time_s = 0; // ∫A dt
  double peak_amount = 0, peak_time_s = 0;

  // Input `input` over dt_s at a constant rate, ending at time t_end_s.
  void step(double input, double dt_s, double t_end_s);
  // Everything in the pool taken out at once (a sampled receptor replaced); returns it.
  double empty();
  double concentration() const { return amount / volume_um3; }
};

// The exact one-compartment solution with first-order absorption (Bateman): a dose F
// absorbed at rate ka into a volume V eliminating at k, C(t) = F·ka/(V(ka − k))·(e^{−kt} − e^{−ka t}).
double bateman_concentration(double dose, double ka_per_s, double k_per_s, double volume,
                             double t_s);

}  // namespace skinrd::body
