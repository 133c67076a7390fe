#pragma once
// Waits for a QFuture with a bound, keeping the test's event loop running (queued signals from
// connection threads are delivered meanwhile). nullopt when the bound passed.
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFuture>
#include <QThread>

#include <optional>

namespace corral::test {

template <class T>
std::optional<T> await(QFuture<T> future, int timeoutMs = 30000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!future.isFinished()) {
        if (deadline.hasExpired())
            return std::nullopt;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
        QThread::msleep(2);
    }
    return future.result();
}

}  // namespace corral::test
