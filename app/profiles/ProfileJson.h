#pragma once
// One cluster profile as a JSON object of profiles.json (docs/formats.md): flat snake_case keys,
// the same names validateProfile reports. Reading collects every type problem instead of stopping
// at the first; unknown keys are ignored so a newer Corral's extra fields do not break this one.
// There is deliberately no key for a password or passphrase: secrets live in the keychain only.
#include "profiles/ProfileValidation.h"
#include "slurm/ClusterProfile.h"

#include <QJsonObject>

namespace corral {

QJsonObject profileToJson(const ClusterProfile &profile);
// Fields that are absent keep ClusterProfile's defaults; a wrongly typed field is a problem.
ClusterProfile profileFromJson(const QJsonObject &object, QList<ProfileProblem> *problems);

QString authMethodName(AuthMethod method);  // "agent", "publickey", "keyboard-interactive", "password"

}  // namespace corral
