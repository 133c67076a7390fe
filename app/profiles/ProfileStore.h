#pragma once
// The user's cluster profiles, kept in profiles.json (docs/formats.md) in the app's config
// folder. The built-in `local` profile is always there and is never written, replaced or
// deleted. Every change is validated and saved atomically (QSaveFile), so a crash never leaves
// half a file. No secrets: passwords and passphrases go to the system keychain, if anywhere
// (SecretStore), and there is no field that could hold one.
//
// Profiles are stored as the user wrote them; ~/.ssh/config defaults are merged in only when a
// profile is used (withSshConfigDefaults), so a later change to ~/.ssh/config takes effect.
#include "config/Result.h"
#include "slurm/ClusterProfile.h"

#include <QList>
#include <QString>

#include <optional>

namespace corral {

class SshConfigFile;

class ProfileStore {
public:
    static constexpr int kFormatVersion = 1;

    explicit ProfileStore(QString filePath);
    static QString defaultFilePath();  // <AppConfigLocation>/profiles.json

    const QString &filePath() const { return m_filePath; }

    // Reads the file; a missing file means no profiles of the user's. On an error the profiles
    // already held stay as they were and the message lists every problem as
    // `profiles[2].port: must be 1..65535, got 70000`, with the file as context.
    Status load();

    QList<ClusterProfile> profiles() const;  // `local` first, then the user's in file order
    std::optional<ClusterProfile> profile(const QString &name) const;

    // Adds or replaces (by name) and saves. Refused: `local`, or a profile validateProfile objects to.
    Status put(const ClusterProfile &profile);
    Status remove(const QString &name);

private:
    Status save() const;

    QString m_filePath;
    QList<ClusterProfile> m_profiles;  // the user's, never `local`
};

// `profile` with its empty SSH fields filled from its ssh config (profile.ssh.sshConfigFile, else
// ~/.ssh/config), the host taken as the alias. `local` comes back unchanged.
ClusterProfile withSshConfigDefaults(const ClusterProfile &profile);
ClusterProfile withSshConfigDefaults(const ClusterProfile &profile, const SshConfigFile &config);

}  // namespace corral
