#pragma once
// The status bar's connection line: one entry per profile in use ("● hpc: connected"), coloured
// by state, the last message as its tooltip. A profile that is not connected offers a reconnect
// on click (after a refused login, polling waits for the person instead of asking every interval).
#include "remote/SshWorker.h"

#include <QHash>
#include <QWidget>

class QHBoxLayout;
class QToolButton;

namespace corral {

class ConnectionStatusBar : public QWidget {
    Q_OBJECT
public:
    explicit ConnectionStatusBar(QWidget *parent = nullptr);

    void setLocal(bool ready, const QString &detail);
    void setState(const QString &profile, ConnectionState state, const QString &message);
    // Lists exactly these cluster profiles (new ones "not connected", gone ones removed).
    void setProfiles(const QStringList &names);
    QString text(const QString &profile) const;  // what the entry says, "" when not shown
    QStringList profiles() const { return m_entries.keys(); }

    static QString stateName(ConnectionState state);

signals:
    void reconnectRequested(const QString &profile);

private:
    QToolButton *entry(const QString &profile);

    QHBoxLayout *m_layout = nullptr;
    QHash<QString, QToolButton *> m_entries;
    QHash<QString, ConnectionState> m_states;
};

}  // namespace corral
