#pragma once
// AuthPrompter with dialogs. Connections call it on their worker threads; each call is carried
// to the GUI thread (a blocking queued call: the worker waits, the GUI thread does not) and shown
// as a modal dialog there:
//   unknown host key  → the host, key type and SHA256 fingerprint, "Trust and connect" or cancel;
//   changed host key  → an error that explains the refusal and how to fix it — never a question;
//   passphrase, password, keyboard-interactive → masked fields and a "remember in the system
//   keychain" box (off by default). Answers are handed back in memory only.
#include "remote/AuthPrompter.h"

#include <QObject>
#include <QPointer>
#include <QWidget>

namespace corral {

class DialogAuthPrompter : public QObject, public AuthPrompter {
    Q_OBJECT
public:
    // Dialogs are centred on `window` (may be null). Lives on the GUI thread.
    explicit DialogAuthPrompter(QWidget *window, QObject *parent = nullptr);

    bool acceptUnknownHostKey(const HostKeyQuestion &question) override;
    void hostKeyChanged(const HostKeyQuestion &question, const QString &explanation) override;
    std::optional<SecretAnswer> keyPassphrase(const QString &keyFile, int attempt) override;
    std::optional<SecretAnswer> password(const QString &userAtHost, int attempt) override;
    std::optional<KeyboardInteractiveAnswers> keyboardInteractive(const QString &userAtHost, const QString &name,
                                                                  const QString &instruction,
                                                                  const QList<KeyboardInteractivePrompt> &prompts) override;

    // The GUI-thread halves (what the dialogs do), public so they can be shown directly.
    bool askHostKey(const HostKeyQuestion &question);
    void showHostKeyChanged(const HostKeyQuestion &question, const QString &explanation);
    std::optional<SecretAnswer> askSecret(const QString &title, const QString &text, int attempt);
    std::optional<KeyboardInteractiveAnswers> askRound(const QString &userAtHost, const QString &name,
                                                       const QString &instruction,
                                                       const QList<KeyboardInteractivePrompt> &prompts);

private:
    template <class F>
    auto onGuiThread(F f) -> decltype(f());

    QPointer<QWidget> m_window;
};

}  // namespace corral
