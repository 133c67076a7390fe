#include "remote/ShellQuote.h"

namespace corral {

QString shellQuote(const QString &value)
{
    QString quoted;
    quoted.reserve(value.size() + 2);
    quoted += QLatin1Char('\'');
    for (const QChar c : value) {
        if (c == QLatin1Char('\''))
            quoted += QLatin1StringView("'\\''");  // close, escaped quote, reopen
        else
            quoted += c;
    }
    quoted += QLatin1Char('\'');
    return quoted;
}

QString shellCommand(const QStringList &argv)
{
    QStringList words;
    words.reserve(argv.size());
    for (const QString &arg : argv)
        words << shellQuote(arg);
    return words.join(QLatin1Char(' '));
}

}  // namespace corral
