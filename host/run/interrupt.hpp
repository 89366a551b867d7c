#pragma once
// SIGINT and SIGTERM during a run: the first one is noted (the run writes a checkpoint at the
// next step and stops), a second one ends the program at once.
namespace skinrd::run {

// Installs the handlers for its lifetime and restores the previous ones after.
class InterruptHandlers {
 public:
  InterruptHandlers();
  ~InterruptHandlers();
  InterruptHandlers(const InterruptHandlers&) = delete;
  InterruptHandlers& operator=(const InterruptHandlers&) = delete;
};

// The signal received since the handlers were installed (0: none).
int pending_signal();

}  // namespace skinrd::run
