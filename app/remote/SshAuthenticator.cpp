#include "remote/SshAuthenticator.h"

#include "remote/AuthPrompter.h"
#include "remote/SshHandles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace corral {

namespace {
constexpr int kPromptAttempts = 3;

unsigned int methodBit(AuthMethod method)
{
    switch (method) {
    case AuthMethod::Agent:
    case AuthMethod::PublicKey:
        return SSH_AUTH_METHOD_PUBLICKEY;
    case AuthMethod::KeyboardInteractive:
        return SSH_AUTH_METHOD_INTERACTIVE;
    case AuthMethod::Password:
        return SSH_AUTH_METHOD_PASSWORD;
    }
    return 0;
}

bool accepted(int rc) { return rc == SSH_AUTH_SUCCESS || rc == SSH_AUTH_PARTIAL; }

// Keyboard-interactive answers are kept as one keychain entry per round: a JSON array.
QString encodeAnswers(const QStringList &answers)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(answers)).toJson(QJsonDocument::Compact));
}
QStringList decodeAnswers(const QString &stored)
{
    QStringList answers;
    for (const QJsonValue &v : QJsonDocument::fromJson(stored.toUtf8()).array())
        answers << v.toString();
    return answers;
}

QStringList defaultIdentityFiles()
{
    QStringList files;
    for (const char *name : {"id_ed25519", "id_ecdsa", "id_rsa"})
        files << QDir::home().filePath(QStringLiteral(".ssh/") + QLatin1StringView(name));
    return files;
}
}  // namespace

SshAuthenticator::SshAuthenticator(ssh_session session, const SshEndpoint &endpoint, AuthPrompter *prompter,
                                   const RememberedSecrets &secrets)
    : m_session(session), m_endpoint(endpoint), m_prompter(prompter), m_secrets(secrets)
{
}

QString SshAuthenticator::userAtHost() const { return QStringLiteral("%1@%2").arg(m_endpoint.user, m_endpoint.host); }

Status SshAuthenticator::authenticate()
{
    int rc = ssh_userauth_none(m_session, nullptr);
    if (rc == SSH_AUTH_SUCCESS)
        return okStatus();
    if (rc == SSH_AUTH_ERROR)
        return makeError(ErrorCode::Io, QStringLiteral("authentication failed: %1")
                                            .arg(QString::fromUtf8(ssh_get_error(m_session))).toStdString(),
                         m_endpoint.display().toStdString());

    QList<AuthMethod> remaining = m_endpoint.authMethods;
    while (!remaining.isEmpty()) {
        const unsigned int offered = static_cast<unsigned int>(ssh_userauth_list(m_session, nullptr));
        const AuthMethod method = remaining.takeFirst();
        if ((offered & methodBit(method)) == 0)
            continue;
        switch (method) {
        case AuthMethod::Agent: rc = tryAgent(); break;
        case AuthMethod::PublicKey: rc = tryKeyFiles(); break;
        case AuthMethod::KeyboardInteractive: rc = tryKeyboardInteractive(); break;
        case AuthMethod::Password: rc = tryPassword(); break;
        }
        if (rc == SSH_AUTH_SUCCESS)
            return okStatus();
        if (rc == SSH_AUTH_ERROR)
            return makeError(ErrorCode::Io, QStringLiteral("connection lost during authentication: %1")
                                                .arg(QString::fromUtf8(ssh_get_error(m_session))).toStdString(),
                             m_endpoint.display().toStdString());
        // SSH_AUTH_PARTIAL: this factor was accepted, the server wants another; the loop goes on.
    }
    const QString tried = m_tried.isEmpty() ? QStringLiteral("no method the server offers was enabled")
                                            : m_tried.join(QStringLiteral("; "));
    return makeError(ErrorCode::Runtime, QStringLiteral("permission denied (%1)").arg(tried).toStdString(),
                     m_endpoint.display().toStdString());
}

int SshAuthenticator::tryAgent()
{
    if (qEnvironmentVariableIsEmpty("SSH_AUTH_SOCK")) {
        m_tried << QStringLiteral("agent: SSH_AUTH_SOCK not set");
        return SSH_AUTH_DENIED;
    }
    const int rc = ssh_userauth_agent(m_session, nullptr);
    if (rc == SSH_AUTH_DENIED)
        m_tried << QStringLiteral("agent: no key accepted");
    return rc;
}

int SshAuthenticator::tryKeyFiles()
{
    const QStringList files = m_endpoint.identityFiles.isEmpty() ? defaultIdentityFiles() : m_endpoint.identityFiles;
    for (const QString &file : files) {
        const int rc = tryKeyFile(file);
        if (rc != SSH_AUTH_DENIED)
            return rc;
    }
    return SSH_AUTH_DENIED;
}

int SshAuthenticator::tryKeyFile(const QString &file)
{
    if (!QFileInfo(file).isReadable()) {
        if (!m_endpoint.identityFiles.isEmpty())
            m_tried << QStringLiteral("key %1: cannot be read").arg(file);
        return SSH_AUTH_DENIED;
    }
    const QByteArray path = QFile::encodeName(file);
    ssh_key raw = nullptr;
    // Unencrypted keys load without a passphrase; then a remembered one; otherwise ask, a few times at most.
    if (ssh_pki_import_privkey_file(path.constData(), nullptr, nullptr, nullptr, &raw) != SSH_OK) {
        raw = nullptr;
        if (const auto remembered = m_secrets.recall(SecretKind::KeyPassphrase, file)) {
            const QByteArray secret = remembered->toUtf8();
            if (ssh_pki_import_privkey_file(path.constData(), secret.constData(), nullptr, nullptr, &raw) != SSH_OK) {
                raw = nullptr;
                m_secrets.forget(SecretKind::KeyPassphrase, file);
                m_tried << QStringLiteral("key %1: the remembered passphrase no longer opens it (forgotten)").arg(file);
            }
        }
        for (int attempt = 1; attempt <= kPromptAttempts && raw == nullptr; ++attempt) {
            const auto passphrase = m_prompter ? m_prompter->keyPassphrase(file, attempt) : std::nullopt;
            if (!passphrase) {
                m_tried << QStringLiteral("key %1: no passphrase given").arg(file);
                return SSH_AUTH_DENIED;
            }
            const QByteArray secret = passphrase->secret.toUtf8();
            if (ssh_pki_import_privkey_file(path.constData(), secret.constData(), nullptr, nullptr, &raw) != SSH_OK)
                raw = nullptr;
            else if (passphrase->remember)  // it opened the key: worth keeping
                m_secrets.remember(SecretKind::KeyPassphrase, file, passphrase->secret);
        }
        if (raw == nullptr) {
            m_tried << QStringLiteral("key %1: could not be loaded (wrong passphrase or not a key)").arg(file);
            return SSH_AUTH_DENIED;
        }
    }
    const ssh::Key key(raw);
    const int rc = ssh_userauth_publickey(m_session, nullptr, key.get());
    if (rc == SSH_AUTH_DENIED)
        m_tried << QStringLiteral("key %1: not accepted").arg(file);
    return rc;
}

int SshAuthenticator::tryKeyboardInteractive()
{
    if (m_prompter == nullptr && !m_secrets.enabled())
        return SSH_AUTH_DENIED;
    QStringList recalled;
    int rc = keyboardInteractiveExchange(true, &recalled);
    if (rc == SSH_AUTH_DENIED && !recalled.isEmpty()) {
        // Remembered answers went stale (a changed password): forget them and ask once more.
        for (const QString &subject : recalled)
            m_secrets.forget(SecretKind::KeyboardInteractive, subject);
        m_tried << QStringLiteral("keyboard-interactive: remembered answers not accepted (forgotten)");
        rc = keyboardInteractiveExchange(false, &recalled);
    }
    return rc;
}

int SshAuthenticator::keyboardInteractiveExchange(bool offerRemembered, QStringList *recalled)
{
    recalled->clear();
    QList<std::pair<QString, QStringList>> toRemember;  // kept only if the server accepts
    int rc = ssh_userauth_kbdint(m_session, nullptr, nullptr);
    // Servers may send several rounds (password, then a one-time code), and empty rounds.
    for (int round = 0; rc == SSH_AUTH_INFO && round < 8; ++round) {
        const int count = ssh_userauth_kbdint_getnprompts(m_session);
        QList<KeyboardInteractivePrompt> prompts;
        QString subject = m_endpoint.display();  // a round is recognised by its prompts
        for (int i = 0; i < count; ++i) {
            char echo = 0;
            const char *text = ssh_userauth_kbdint_getprompt(m_session, static_cast<unsigned int>(i), &echo);
            prompts << KeyboardInteractivePrompt{QString::fromUtf8(text), echo != 0};
            subject += QLatin1Char('\n') + prompts.last().text;
        }
        if (count > 0) {
            QStringList answers;
            if (offerRemembered)
                if (const auto stored = m_secrets.recall(SecretKind::KeyboardInteractive, subject))
                    if (answers = decodeAnswers(*stored); answers.size() == count)
                        *recalled << subject;
            if (answers.size() != count) {
                const auto given = m_prompter ? m_prompter->keyboardInteractive(
                                                    userAtHost(), QString::fromUtf8(ssh_userauth_kbdint_getname(m_session)),
                                                    QString::fromUtf8(ssh_userauth_kbdint_getinstruction(m_session)), prompts)
                                              : std::nullopt;
                if (!given || given->answers.size() != count) {
                    m_tried << QStringLiteral("keyboard-interactive: cancelled");
                    return SSH_AUTH_DENIED;
                }
                answers = given->answers;
                if (given->remember)
                    toRemember.append({subject, answers});
            }
            for (int i = 0; i < count; ++i) {
                const QByteArray answer = answers.at(i).toUtf8();
                if (ssh_userauth_kbdint_setanswer(m_session, static_cast<unsigned int>(i), answer.constData()) < 0)
                    return SSH_AUTH_ERROR;
            }
        }
        rc = ssh_userauth_kbdint(m_session, nullptr, nullptr);
    }
    if (rc == SSH_AUTH_DENIED && recalled->isEmpty())
        m_tried << QStringLiteral("keyboard-interactive: not accepted");
    if (accepted(rc))
        for (const auto &[subject, answers] : toRemember)
            m_secrets.remember(SecretKind::KeyboardInteractive, subject, encodeAnswers(answers));
    return rc;
}

int SshAuthenticator::tryPassword()
{
    const QString subject = m_endpoint.display();
    if (const auto remembered = m_secrets.recall(SecretKind::Password, subject)) {
        const QByteArray secret = remembered->toUtf8();
        const int rc = ssh_userauth_password(m_session, nullptr, secret.constData());
        if (rc != SSH_AUTH_DENIED)
            return rc;
        m_secrets.forget(SecretKind::Password, subject);
        m_tried << QStringLiteral("password: the remembered one was not accepted (forgotten)");
    }
    if (m_prompter == nullptr)
        return SSH_AUTH_DENIED;
    for (int attempt = 1; attempt <= kPromptAttempts; ++attempt) {
        const auto password = m_prompter->password(userAtHost(), attempt);
        if (!password) {
            m_tried << QStringLiteral("password: cancelled");
            return SSH_AUTH_DENIED;
        }
        const QByteArray secret = password->secret.toUtf8();
        const int rc = ssh_userauth_password(m_session, nullptr, secret.constData());
        if (accepted(rc) && password->remember)
            m_secrets.remember(SecretKind::Password, subject, password->secret);
        if (rc != SSH_AUTH_DENIED)
            return rc;
    }
    m_tried << QStringLiteral("password: not accepted");
    return SSH_AUTH_DENIED;
}

}  // namespace corral
