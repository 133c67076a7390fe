#include "train/StopSignals.h"

#include <csignal>
#include <initializer_list>

namespace corral {

namespace {
volatile std::sig_atomic_t g_signal = 0;

extern "C" void recordSignal(int signal)
{
    if (g_signal == 0)
        g_signal = signal;
}
}  // namespace

void installStopSignalHandlers()
{
    struct sigaction action {};
    action.sa_handler = recordSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (const int signal : {SIGTERM, SIGUSR1, SIGINT})
        sigaction(signal, &action, nullptr);
}

int pendingStopSignal()
{
    return g_signal;
}

void clearStopSignal()
{
    g_signal = 0;
}

const char *signalName(int signal)
{
    switch (signal) {
    case SIGTERM: return "SIGTERM";
    case SIGUSR1: return "SIGUSR1";
    case SIGINT: return "SIGINT";
    default: return "signal";
    }
}

}  // namespace corral
