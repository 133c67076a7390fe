#pragma once
// Reads ~/.ssh/config the way OpenSSH does for the keywords a cluster profile uses (HostName,
// User, Port, IdentityFile, ProxyJump): Host blocks whose patterns match the alias (`*`, `?`,
// `!negation`, several patterns per line), and for each keyword the FIRST value obtained wins —
// except IdentityFile, which accumulates. `Match` blocks and `Include` are not supported; their
// contents are skipped (said in docs/remote.md).
#include "remote/SshEndpoint.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace corral {

struct SshHostSettings {
    std::optional<QString> hostName;
    std::optional<QString> user;
    std::optional<int> port;
    QStringList identityFiles;  // ~ expanded
    std::optional<QString> proxyJump;  // "none" is returned as an empty string
};

class SshConfigFile {
public:
    static SshConfigFile fromText(const QString &text);
    static SshConfigFile fromFile(const QString &path);  // a missing file is an empty config

    SshHostSettings settingsFor(const QString &alias) const;

    // `alias` resolved into an endpoint; fields the profile sets explicitly win over the file.
    SshEndpoint endpointFor(const QString &alias, const SshEndpoint &explicitFields) const;

    static bool hostPatternMatches(const QString &patternList, const QString &alias);

private:
    struct Line {
        QString keyword;  // lower case
        QString value;
        QString hostPatterns;  // the Host line this keyword belongs to ("*" before any Host line)
    };
    QList<Line> m_lines;
};

}  // namespace corral
