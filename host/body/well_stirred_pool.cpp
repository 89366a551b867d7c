#include "host/body/well_stirred_pool.hpp"

#include <cmath>

namespace skinrd::body {

void WellStirredPool::step(double input, double dt_s, double t_end_s) {
  if (dt_s <= 0) {  // an instantaneous input
    amount += input;
    received += input;
  } else {
    const double x = loss_per_s * dt_s;
    // f = 1 − e^{−x}; g = f/x → 1 and (1 − g)/x → ½ as x → 0 (no loss: plain accumulation).
    const double f = -std::expm1(-x);
    const double g = x > 0 ? f / x : 1;  // expm1 keeps f/x exact for small x
    const double h = x > 1e-3 ? (1 - g) / x : 0.5 - x / 6 + x * x / 24 - x * x * x / 120;
    const double start = amount;
    amount = start * (1 - f) + input * g;
    // ∫_0^Δt A = A0·f/k + (I/Δt)·(Δt − f/k)/k = Δt·(A0·g + I·(1 − g)/x)
    amount_time_s += dt_s * (start * g + input * h);
    received += input;
    removed += start + input - amount;
  }
  // A is monotone over a step of constant input, so its peak is at a step's end.
  if (amount > peak_amount) peak_amount = amount, peak_time_s = t_end_s;
}

double WellStirredPool::empty() {
  const double taken = amount;
  removed += taken;
  amount = 0;
  return taken;
}

double bateman_concentration(double dose, double ka_per_s, double k_per_s, double volume,
                             double t_s) {
  if (std::abs(ka_per_s - k_per_s) < 1e-12 * ka_per_s)  // ka = k: the limit t·k·e^{−kt}
    return dose * k_per_s * t_s * std::exp(-k_per_s * t_s) / volume;
  return dose * ka_per_s / (volume * (ka_per_s - k_per_s)) *
         (std::exp(-k_per_s * t_s) - std::exp(-ka_per_s * t_s));
}

}  // namespace skinrd::body
