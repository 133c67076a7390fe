#include "checkpoints/AdapterDownload.h"

#include "remote/SshConnection.h"
#include "remote/SshSession.h"
#include "runs/Paths.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace corral {

namespace {
constexpr int kMaxRetries = 6;  // with the delay doubling: about a minute of outage
}

AdapterDownload::AdapterDownload(SshConnection &ssh, QObject *parent) : QObject(parent), m_ssh(ssh)
{
    connect(&m_ssh, &SshConnection::transferProgress, this, [this](const QString &path, qint64 done, qint64) {
        if (m_running && m_current < m_files.size() && path == m_files.at(m_current).remotePath)
            emit progress(m_doneBefore + done, m_total);
    });
}

QString AdapterDownload::defaultLocalRunDir(const QString &profile, const QString &remoteRunDir)
{
    QString name = QFileInfo(remoteRunDir.endsWith(QLatin1Char('/')) ? remoteRunDir.chopped(1) : remoteRunDir).fileName();
    if (name.isEmpty())
        name = QStringLiteral("run");
    return QDir(runsRoot()).filePath(QStringLiteral("downloads/%1/%2").arg(profile, name));
}

QVector<AdapterDownload::File> AdapterDownload::adapterFiles(const CheckpointInfo &checkpoint,
                                                             const QString &localRunDir,
                                                             const QString &remoteRunDir, qint64 runConfigSize)
{
    QVector<File> files;
    const QString localFolder = QDir(localRunDir).filePath(QStringLiteral("checkpoints/") + checkpoint.name);
    // checksums.json (format 3 runs) lets the local corral-train check the copy before an export.
    for (const char *name : {"adapter_model.safetensors", "adapter_config.json", "trainer_state.json", "checksums.json"}) {
        const QString file = QLatin1StringView(name);
        if (!checkpoint.files.contains(file))
            continue;
        files.append({joinRemote(checkpoint.path, file), QDir(localFolder).filePath(file),
                      checkpoint.fileSizes.value(file, -1)});
    }
    if (runConfigSize >= 0)
        files.append({joinRemote(remoteRunDir, QStringLiteral("config.yaml")),
                      QDir(localRunDir).filePath(QStringLiteral("config.yaml")), runConfigSize});
    return files;
}

void AdapterDownload::start(const QVector<File> &files)
{
    m_files = files;
    m_current = 0;
    m_doneBefore = 0;
    m_total = 0;
    m_retries = 0;
    m_attempts = 0;
    m_cancelled = false;
    m_running = true;
    for (const File &f : m_files)
        m_total += qMax<qint64>(0, f.size);
    next();
}

void AdapterDownload::cancel()
{
    m_cancelled = true;
}

void AdapterDownload::fail(const QString &message)
{
    m_running = false;
    emit finished(false, message);
}

void AdapterDownload::next()
{
    if (m_cancelled) {
        fail(tr("cancelled; what was copied stays and the next download continues it"));
        return;
    }
    if (m_current >= m_files.size()) {
        m_running = false;
        emit progress(m_total, m_total);
        emit finished(true, tr("%n file(s) copied and checked", nullptr, int(m_files.size())));
        return;
    }
    const File file = m_files.at(m_current);
    if (!QDir().mkpath(QFileInfo(file.localPath).absolutePath())) {
        fail(tr("cannot create %1").arg(QFileInfo(file.localPath).absolutePath()));
        return;
    }
    ++m_attempts;
    m_ssh.download(file.remotePath, file.localPath, /*resume=*/true).then(this, [this, file](const Result<qint64> &got) {
        if (!got) {
            if (isConnectionLoss(got.error()) && m_retries < kMaxRetries && !m_cancelled) {
                // The connection reconnects on its own; the partial file is continued next time.
                QTimer::singleShot(m_retryDelayMs << m_retries, this, &AdapterDownload::next);
                ++m_retries;
                return;
            }
            fail(QString::fromStdString(got.error().toString()));
            return;
        }
        const qint64 local = QFileInfo(file.localPath).size();
        const qint64 expected = file.size >= 0 ? file.size : got.value();
        if (local != expected || got.value() != expected) {
            QFile::remove(file.localPath);  // not a prefix of the cluster's file: start it over next time
            fail(tr("%1: %2 bytes here, %3 on the cluster; removed, download again")
                     .arg(QFileInfo(file.localPath).fileName())
                     .arg(local)
                     .arg(expected));
            return;
        }
        if (file.size < 0)  // sizes learnt as we go (the listing has the folder's total only)
            m_total += expected;
        m_doneBefore += expected;
        m_retries = 0;
        ++m_current;
        emit progress(m_doneBefore, m_total);
        next();
    });
}

}  // namespace corral
