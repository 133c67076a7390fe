#include "remote/SshConfigFile.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

namespace corral {

namespace {
QString expandHome(const QString &path)
{
    if (path == QLatin1StringView("~") || path.startsWith(QLatin1StringView("~/")))
        return QDir::homePath() + path.mid(1);
    return path;
}

// "Keyword value", "Keyword=value", "Keyword = value"; values may be double-quoted.
std::optional<std::pair<QString, QString>> splitLine(const QString &raw)
{
    const QString line = raw.trimmed();
    if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
        return std::nullopt;
    static const QRegularExpression split(QStringLiteral("^(\\S+?)\\s*(?:=\\s*|\\s+)(.*)$"));
    const auto m = split.match(line);
    if (!m.hasMatch())
        return std::nullopt;
    QString value = m.captured(2).trimmed();
    if (value.size() >= 2 && value.startsWith(QLatin1Char('"')) && value.endsWith(QLatin1Char('"')))
        value = value.mid(1, value.size() - 2);
    return std::make_pair(m.captured(1).toLower(), value);
}
}  // namespace

bool SshConfigFile::hostPatternMatches(const QString &patternList, const QString &alias)
{
    bool matched = false;
    for (const QString &pattern : patternList.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts)) {
        const bool negated = pattern.startsWith(QLatin1Char('!'));
        const QString glob = negated ? pattern.mid(1) : pattern;
        const QRegularExpression re(QRegularExpression::wildcardToRegularExpression(
            glob, QRegularExpression::UnanchoredWildcardConversion));
        const bool hit = QRegularExpression(QStringLiteral("^(?:%1)$").arg(re.pattern()),
                                            QRegularExpression::CaseInsensitiveOption)
                             .match(alias)
                             .hasMatch();
        if (hit && negated)
            return false;  // a matching negation rules the block out whatever else matches
        matched |= hit;
    }
    return matched;
}

SshConfigFile SshConfigFile::fromText(const QString &text)
{
    SshConfigFile config;
    QString host = QStringLiteral("*");
    bool inMatchBlock = false;
    for (const QString &raw : text.split(QLatin1Char('\n'))) {
        const auto kv = splitLine(raw);
        if (!kv)
            continue;
        if (kv->first == QLatin1StringView("host")) {
            host = kv->second;
            inMatchBlock = false;
        } else if (kv->first == QLatin1StringView("match")) {
            inMatchBlock = true;
        } else if (!inMatchBlock) {
            config.m_lines << Line{kv->first, kv->second, host};
        }
    }
    return config;
}

SshConfigFile SshConfigFile::fromFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return fromText(QString::fromUtf8(f.readAll()));
}

SshHostSettings SshConfigFile::settingsFor(const QString &alias) const
{
    SshHostSettings s;
    for (const Line &line : m_lines) {
        if (!hostPatternMatches(line.hostPatterns, alias))
            continue;
        if (line.keyword == QLatin1StringView("hostname") && !s.hostName) {
            // %h in HostName stands for the alias itself.
            s.hostName = QString(line.value).replace(QStringLiteral("%h"), alias);
        } else if (line.keyword == QLatin1StringView("user") && !s.user) {
            s.user = line.value;
        } else if (line.keyword == QLatin1StringView("port") && !s.port) {
            bool ok = false;
            const int port = line.value.toInt(&ok);
            if (ok && port > 0 && port < 65536)
                s.port = port;
        } else if (line.keyword == QLatin1StringView("identityfile")) {
            s.identityFiles << expandHome(line.value);
        } else if (line.keyword == QLatin1StringView("proxyjump") && !s.proxyJump) {
            s.proxyJump = line.value.compare(QLatin1StringView("none"), Qt::CaseInsensitive) == 0 ? QString() : line.value;
        }
    }
    return s;
}

SshEndpoint SshConfigFile::endpointFor(const QString &alias, const SshEndpoint &explicitFields) const
{
    const SshHostSettings s = settingsFor(alias);
    SshEndpoint e = explicitFields;
    e.host = explicitFields.host.isEmpty() || explicitFields.host == alias ? s.hostName.value_or(alias) : explicitFields.host;
    if (e.user.isEmpty())
        e.user = s.user.value_or(qEnvironmentVariable("USER"));
    if (explicitFields.port == 22 && s.port)
        e.port = *s.port;
    if (e.identityFiles.isEmpty())
        e.identityFiles = s.identityFiles;
    if (e.proxyJump.isEmpty() && s.proxyJump)
        e.proxyJump = *s.proxyJump;
    return e;
}

}  // namespace corral
