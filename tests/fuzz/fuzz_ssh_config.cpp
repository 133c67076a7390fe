// ~/.ssh/config, as people write it (and as other tools rewrite it): reading never crashes or
// stalls, the settings for an alias are well formed (a port in 1..65535, identity files with ~
// expanded), a plain Host pattern matches its own name in any case, and a negated one never
// lets its name in.
//
// Input: the config text; "--- alias NAME" parts add aliases to look up (a few are always).
#include "FuzzSupport.h"

#include "remote/SshConfigFile.h"

#include <QRegularExpression>

using namespace corral;

namespace {

// Printable ASCII without wildcards, negation or escapes: a name that means only itself.
bool isPlainPattern(const QString &pattern)
{
    if (pattern.isEmpty())
        return false;
    for (const QChar c : pattern) {
        if (c.unicode() <= 0x20 || c.unicode() >= 0x7f || QStringLiteral("*?![]\\").contains(c))
            return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const auto parts = fuzz::splitParts(fuzz::asText(data, size));
    const QString text = QString::fromUtf8(parts[0].text.data(), qsizetype(parts[0].text.size()));
    const SshConfigFile config = SshConfigFile::fromText(text);
    QStringList aliases = {QStringLiteral("cluster"), QStringLiteral("login.example.org"), QStringLiteral("gpu-01")};
    for (const auto &part : parts) {
        if (part.name == "alias")
            aliases << QString::fromStdString(part.argument);
    }

    for (const QString &alias : aliases) {
        const SshHostSettings s = config.settingsFor(alias);
        if (s.port)
            FUZZ_CHECK(*s.port > 0 && *s.port < 65536, "port " + std::to_string(*s.port));
        for (const QString &file : s.identityFiles)
            FUZZ_CHECK(file != QLatin1StringView("~") && !file.startsWith(QLatin1StringView("~/")),
                       "identity file with ~ left in: " + file.toStdString());
        const SshEndpoint endpoint = config.endpointFor(alias, SshEndpoint{});
        FUZZ_CHECK(endpoint.port > 0 && endpoint.port < 65536, "endpoint port " + std::to_string(endpoint.port));
        FUZZ_CHECK(!endpoint.host.isEmpty() || alias.isEmpty() || (s.hostName && s.hostName->isEmpty()),
                   "no host for alias " + alias.toStdString());
    }

    // Every Host line's plain patterns match their own names, and their negations never do.
    for (const QString &line : text.split(QLatin1Char('\n'))) {
        const QString trimmed = line.trimmed();
        if (!trimmed.startsWith(QLatin1StringView("Host "), Qt::CaseInsensitive))
            continue;
        const QString patterns = trimmed.mid(5);
        for (const QString &pattern : patterns.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts)) {
            if (isPlainPattern(pattern)) {
                FUZZ_CHECK(SshConfigFile::hostPatternMatches(pattern, pattern.toUpper()),
                           "plain pattern '" + pattern.toStdString() + "' does not match its own name");
            } else if (pattern.startsWith(QLatin1Char('!')) && isPlainPattern(pattern.mid(1))) {
                FUZZ_CHECK(!SshConfigFile::hostPatternMatches(QStringLiteral("* ") + pattern, pattern.mid(1)),
                           "negated pattern '" + pattern.toStdString() + "' lets its name in");
            }
        }
    }
    return 0;
}
