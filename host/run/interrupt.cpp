#include "host/run/interrupt.hpp"

#include <csignal>

namespace skinrd::run {
namespace {

volatile std::sig_atomic_t received = 0;
struct sigaction previous_int, previous_term;

void note_signal(int signal) {
  if (received != 0) {  // the second one: no waiting for a checkpoint
    std::signal(signal, SIG_DFL);
    std::raise(signal);
    return;
  }
  received = signal;
}

}  // namespace

InterruptHandlers::InterruptHandlers() {
  received = 0;
  struct sigaction action {};
  action.sa_handler = note_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &previous_int);
  sigaction(SIGTERM, &action, &previous_term);
}

InterruptHandlers::~InterruptHandlers() {
  sigaction(SIGINT, &previous_int, nullptr);
  sigaction(SIGTERM, &previous_term, nullptr);
}

int pending_signal() { return received; }

}  // namespace skinrd::run
