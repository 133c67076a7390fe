#pragma once
// The one place that turns values into POSIX shell words. Every remote command line and every
// value placed into a generated script goes through here, so a run name like `a'b; rm -rf ~`
// is data, never code.
#include <QString>
#include <QStringList>

namespace corral {

// 'value' with each ' written as '\'' — safe for any byte string in sh, dash, bash and zsh,
// including newlines, $, backticks and backslashes. The empty string becomes ''.
QString shellQuote(const QString &value);

// Each argument quoted, joined by single spaces: a command line the remote shell runs as argv.
QString shellCommand(const QStringList &argv);

}  // namespace corral
