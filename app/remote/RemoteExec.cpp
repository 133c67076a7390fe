#include "remote/RemoteExec.h"

#include "remote/SshSession.h"

#include <QElapsedTimer>

namespace corral {

namespace {
constexpr int kSliceMs = 20;  // how long one read waits: bounds the latency of noticing the deadline

// Reads what is available on one stream into `into`; false on a channel error.
bool drain(ssh_channel channel, bool stderrStream, QByteArray &into)
{
    char buffer[16384];
    for (;;) {
        const int n = ssh_channel_read_nonblocking(channel, buffer, sizeof buffer, stderrStream ? 1 : 0);
        if (n == SSH_ERROR)
            return false;
        if (n <= 0)
            return true;
        into.append(buffer, n);
    }
}
}  // namespace

Result<CommandResult> runRemoteCommand(SshSession &session, const CommandRequest &request)
{
    const QString host = session.endpoint().display();
    const QString &text = request.command.text();
    const QByteArray command = text.toUtf8();
    // libssh sends a C string: a NUL would cut the line short, dropping the words after it.
    if (command.contains('\0'))
        return makeError(ErrorCode::InvalidArgument, "a remote command cannot contain a NUL byte", host.toStdString());
    if (!session.isConnected())
        return connectionLost(host, QStringLiteral("not connected"));
    ssh::Channel channel(ssh_channel_new(session.handle()));
    if (!channel || ssh_channel_open_session(channel.get()) != SSH_OK)
        return connectionLost(host, QStringLiteral("could not open a channel: %1").arg(session.lastError()));
    if (ssh_channel_request_exec(channel.get(), command.constData()) != SSH_OK)
        return connectionLost(host, QStringLiteral("could not start `%1`: %2").arg(text, session.lastError()));
    if (!request.stdinData.isEmpty()
        && ssh_channel_write(channel.get(), request.stdinData.constData(),
                             static_cast<uint32_t>(request.stdinData.size())) != request.stdinData.size())
        return connectionLost(host, QStringLiteral("could not send input to `%1`: %2").arg(text, session.lastError()));
    ssh_channel_send_eof(channel.get());

    CommandResult result;
    QElapsedTimer clock;
    clock.start();
    char buffer[16384];
    while (!ssh_channel_is_eof(channel.get())) {
        if (clock.elapsed() > request.timeoutMs) {
            result.timedOut = true;
            // Closing the channel makes sshd hang up on the command (SIGHUP to its session).
            return result;
        }
        const int n = ssh_channel_read_timeout(channel.get(), buffer, sizeof buffer, 0, kSliceMs);
        if (n == SSH_ERROR)
            return connectionLost(host, QStringLiteral("connection lost while `%1` ran: %2").arg(text, session.lastError()));
        if (n > 0)
            result.out.append(buffer, n);
        if (!drain(channel.get(), true, result.err))
            return connectionLost(host, QStringLiteral("connection lost while `%1` ran: %2").arg(text, session.lastError()));
    }
    if (!drain(channel.get(), false, result.out) || !drain(channel.get(), true, result.err))
        return connectionLost(host, QStringLiteral("connection lost while `%1` ran: %2").arg(text, session.lastError()));
    result.exitCode = ssh_channel_get_exit_status(channel.get());
    return result;
}

}  // namespace corral
