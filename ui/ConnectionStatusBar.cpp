#include "ConnectionStatusBar.h"

#include <QHBoxLayout>
#include <QToolButton>

namespace corral {

namespace {
QString colorOf(ConnectionState state)
{
    switch (state) {
    case ConnectionState::Connected: return QStringLiteral("#1a7f37");
    case ConnectionState::Connecting: return QStringLiteral("#9a6700");
    case ConnectionState::WaitingToReconnect: return QStringLiteral("#bc4c00");
    case ConnectionState::Disconnected: break;
    }
    return QStringLiteral("#6e7781");
}
}  // namespace

ConnectionStatusBar::ConnectionStatusBar(QWidget *parent) : QWidget(parent)
{
    m_layout = new QHBoxLayout(this);
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->setSpacing(8);
}

QString ConnectionStatusBar::stateName(ConnectionState state)
{
    switch (state) {
    case ConnectionState::Connected: return tr("connected");
    case ConnectionState::Connecting: return tr("connecting…");
    case ConnectionState::WaitingToReconnect: return tr("reconnecting…");
    case ConnectionState::Disconnected: break;
    }
    return tr("not connected");
}

QToolButton *ConnectionStatusBar::entry(const QString &profile)
{
    if (QToolButton *button = m_entries.value(profile))
        return button;
    auto *button = new QToolButton(this);
    button->setObjectName(QStringLiteral("connection-") + profile);
    button->setAutoRaise(true);
    m_layout->addWidget(button);
    m_entries.insert(profile, button);
    connect(button, &QToolButton::clicked, this, [this, profile] {
        if (profile != QLatin1StringView("local") && m_states.value(profile) != ConnectionState::Connected)
            emit reconnectRequested(profile);
    });
    return button;
}

void ConnectionStatusBar::setLocal(bool ready, const QString &detail)
{
    QToolButton *button = entry(QStringLiteral("local"));
    button->setText(ready ? tr("● local: ready") : tr("● local: corral-train not found"));
    button->setStyleSheet(QStringLiteral("color: %1").arg(ready ? QStringLiteral("#1a7f37") : QStringLiteral("#cf222e")));
    button->setToolTip(detail);
}

void ConnectionStatusBar::setState(const QString &profile, ConnectionState state, const QString &message)
{
    QToolButton *button = entry(profile);
    m_states.insert(profile, state);
    button->setText(QStringLiteral("● %1: %2").arg(profile, stateName(state)));
    button->setStyleSheet(QStringLiteral("color: %1").arg(colorOf(state)));
    button->setToolTip(state == ConnectionState::Connected ? message
                                                           : tr("%1\nClick to connect again.").arg(message));
}

void ConnectionStatusBar::setProfiles(const QStringList &names)
{
    for (const QString &name : m_entries.keys())
        if (name != QLatin1StringView("local") && !names.contains(name)) {
            delete m_entries.take(name);
            m_states.remove(name);
        }
    for (const QString &name : names)
        if (!m_entries.contains(name))
            setState(name, ConnectionState::Disconnected, tr("Not connected yet."));
}

QString ConnectionStatusBar::text(const QString &profile) const
{
    const QToolButton *button = m_entries.value(profile);
    return button ? button->text() : QString();
}

}  // namespace corral
