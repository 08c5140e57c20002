#pragma once
// The engine in a child process (`lantern-engine`), behind the engine's own Model/Session interface, so the
// inference worker, the translator and the API server use it unchanged. A crash in the engine (a GPU driver
// that takes the process down), VK_ERROR_DEVICE_LOST, a hang past the watchdog or a kill by the system's
// out-of-memory killer ends only the child: the request in flight fails with Errc::EngineStopped (the text
// streamed until then has already reached the caller), a new engine process is started at once and loads the same
// model again, and the next request waits for it. A session's KV cache does not survive a restart; the session
// itself does (its next request opens a new one in the new process).
//
// Every call runs on the thread that loaded the model (the inference thread), blocking like the in-process
// engine; the socket is waited on with short timeouts so Stop (the cancel flag) is sent within ~20 ms.
#include <QString>
#include <QStringList>

#include "service/inferenceworker.h"

namespace lantern::service {

struct EngineProcessOptions {
    QString program;               // the lantern-engine executable; empty = defaultEngineProgram()
    // A request with no message from the engine for this long is a hang: the process is killed and restarted.
    // The engine reports load progress and each piece of text, so silence this long means the device stopped.
    int watchdogMs = 120000;
    int startTimeoutMs = 15000;    // to start the process and receive its hello
    // LANTERN_ENGINE_FAULT for the first engine process only (enginehost.h), so a restart recovers.
    QString fault;
    bool faultOnRestarts = false;  // tests: every engine process gets the fault, so restarts fail too
    // More than this many faults in a row with no request completed in between: no automatic restart until the
    // next request (a model that crashes the driver at every answer must not loop).
    int maxRestarts = 3;
};

// The engine process options from the environment: LANTERN_ENGINE_FAULT, LANTERN_ENGINE_WATCHDOG_MS.
EngineProcessOptions engineProcessOptionsFromEnvironment();

// lantern-engine(.exe) next to the running executable (in the app bundle's MacOS folder on macOS); empty when
// there is none.
QString defaultEngineProgram();

Result<std::unique_ptr<Model>> loadInEngineProcess(const std::filesystem::path& path, const LoadOptions& options,
                                                   const EngineProcessOptions& processOptions);

// The loader the app gives its inference worker: the engine process when lantern-engine is installed beside the
// app, and the engine in this process otherwise (LANTERN_ENGINE_IN_PROCESS=1 asks for that too).
ModelLoader defaultModelLoader();

}  // namespace lantern::service
