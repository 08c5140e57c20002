#pragma once
// The engine side of the engine process (`lantern-engine --connect NAME`): connects to the app's local socket,
// answers the protocol (protocol.h) and runs every engine call on one engine thread, so the socket stays served
// while a generation runs (Stop reaches it at once) and a hang in the driver hangs only that thread. When the app
// goes away (the socket closes) the process ends at once, whatever the engine is doing.
//
// Fault injection for tests (LANTERN_ENGINE_FAULT, read by lantern-engine's main): "<kind>:<n>" acts at the n-th
// piece of text of a generation (n >= 1):
//   crash        the process dies of SIGSEGV (abort on Windows), as a crashing driver takes it down
//   device-lost  the generation fails with Errc::DeviceLost, as after VK_ERROR_DEVICE_LOST
//   hang         the engine thread stops forever, as a hung GPU does
//   kill         the process is killed with SIGKILL, as by the out-of-memory killer
#include <QString>

#include "service/inferenceworker.h"

namespace lantern::service {

struct EngineHostOptions {
    ModelLoader loader;  // empty: Engine::load
    QString fault;       // see above; empty = none
};

// Runs until the app closes the connection; needs a QCoreApplication. Returns the process exit code.
int runEngineHost(const QString& serverName, EngineHostOptions options);

}  // namespace lantern::service
