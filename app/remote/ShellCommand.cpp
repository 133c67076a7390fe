#include "remote/ShellCommand.h"

#include "remote/ShellQuote.h"

namespace corral {

ShellCommand::ShellCommand(const QString &program, const QStringList &arguments) : m_text(shellQuote(program))
{
    args(arguments);
}

ShellCommand &ShellCommand::arg(const QString &argument)
{
    m_text += QLatin1Char(' ') + shellQuote(argument);
    return *this;
}

ShellCommand &ShellCommand::args(const QStringList &arguments)
{
    for (const QString &argument : arguments)
        arg(argument);
    return *this;
}

QString ShellCommand::groupedUnless(bool flatIsSame) const
{
    return m_op == nullptr || flatIsSame ? m_text : QStringLiteral("{ ") + m_text + QStringLiteral("; }");
}

ShellCommand ShellCommand::joined(const char *op, const ShellCommand &next) const
{
    const QLatin1StringView semicolon(";");
    const bool sequence = QLatin1StringView(op) == semicolon;
    // `&&` and `||` bind alike, left to right, and tighter than `;`: a left side needs braces only
    // when it is a sequence joined by something else; a right side unless both are sequences.
    const bool leftFlat = m_op != nullptr && (sequence || QLatin1StringView(m_op) != semicolon);
    const bool rightFlat = sequence && next.m_op != nullptr && QLatin1StringView(next.m_op) == semicolon;
    ShellCommand both;
    both.m_text = groupedUnless(leftFlat) + (sequence ? QStringLiteral("; ") : QLatin1Char(' ') + QLatin1StringView(op)
                                                                              + QLatin1Char(' '))
                  + next.groupedUnless(rightFlat);
    both.m_op = op;
    return both;
}

ShellCommand ShellCommand::then(const ShellCommand &next) const { return joined(";", next); }
ShellCommand ShellCommand::andThen(const ShellCommand &next) const { return joined("&&", next); }
ShellCommand ShellCommand::orElse(const ShellCommand &next) const { return joined("||", next); }

ShellCommand ShellCommand::withoutStderr() const
{
    ShellCommand quiet;
    quiet.m_text = groupedUnless(false) + QStringLiteral(" 2>/dev/null");
    return quiet;
}

}  // namespace corral
