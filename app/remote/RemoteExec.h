#pragma once
// Runs one command line on an open session, in its own channel: stdout and stderr kept apart,
// the exit code, optional bytes on stdin, and a deadline after which the channel is closed and
// the result says "timed out" (a hung `squeue` must not stall every later poll).
#include "config/Result.h"
#include "remote/ShellCommand.h"

#include <QByteArray>
#include <QString>

namespace corral {

class SshSession;

struct CommandResult {
    int exitCode = -1;  // -1 when the command was cut by the timeout or killed by a signal
    QByteArray out;
    QByteArray err;
    bool timedOut = false;

    bool succeeded() const { return !timedOut && exitCode == 0; }
};

struct CommandRequest {
    ShellCommand command;  // never a raw QString: see ShellCommand
    QByteArray stdinData;
    int timeoutMs = 30000;
};

// Connection-level failures come back as errors (isConnectionLoss); a command that ran and
// failed, or ran out of time, is a CommandResult.
Result<CommandResult> runRemoteCommand(SshSession &session, const CommandRequest &request);

}  // namespace corral
