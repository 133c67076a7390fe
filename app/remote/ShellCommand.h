#pragma once
// A remote command line that can only be built from a program and its arguments, each quoted
// by shellQuote, joined by a few fixed operators (`;`, `&&`, `||`, `2>/dev/null`). Remote
// execution (CommandRequest) takes this type, not a QString, so no caller can send text that
// the remote shell would read as code: a run folder named `x; rm -rf ~` stays one word.
// A test that needs shell syntax says so: it runs `sh -c` with its script as one argument.
#include <QString>
#include <QStringList>

namespace corral {

class ShellCommand {
public:
    // `program args…`, every word quoted. Explicit: a QString is never taken as a command line.
    explicit ShellCommand(const QString &program, const QStringList &arguments = {});

    ShellCommand &arg(const QString &argument);
    ShellCommand &args(const QStringList &arguments);

    // Compound sides are grouped with braces, so `a.andThen(b.orElse(c))` is `a && { b || c; }`.
    ShellCommand then(const ShellCommand &next) const;    // `a; b`: b runs whatever a did
    ShellCommand andThen(const ShellCommand &next) const;  // `a && b`
    ShellCommand orElse(const ShellCommand &next) const;   // `a || b`
    ShellCommand withoutStderr() const;                    // `a 2>/dev/null`

    // The line the remote shell gets (and what error messages show).
    const QString &text() const { return m_text; }
    bool operator==(const ShellCommand &other) const { return m_text == other.m_text; }

private:
    ShellCommand() = default;
    ShellCommand joined(const char *op, const ShellCommand &next) const;
    QString groupedUnless(bool flatIsSame) const;  // `{ a; b; }`, so operators bind as written

    QString m_text;
    const char *m_op = nullptr;  // the outermost operator of a compound command; null for a simple one
};

}  // namespace corral
