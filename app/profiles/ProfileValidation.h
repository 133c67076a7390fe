#pragma once
// Profiles are the boundary between what a person types (the profile dialog, profiles.json) and
// what SSH and sbatch are given, so everything checkable without the cluster is checked here, in
// one place: the store refuses a bad profile with every problem listed, and the dialog shows the
// same list next to the same field names (the keys of profiles.json, see docs/formats.md).
#include "slurm/ClusterProfile.h"

#include <QList>
#include <QString>

#include <optional>

namespace corral {

struct ProfileProblem {
    QString field;    // "port", "time_limit": the profiles.json key
    QString message;  // "must be 1..65535, got 70000"

    QString toString() const { return field + QStringLiteral(": ") + message; }
    bool operator==(const ProfileProblem &other) const { return field == other.field && message == other.message; }
};

// Every problem of `profile`, in field order; empty when it is usable. The built-in `local`
// profile needs nothing beyond its name.
QList<ProfileProblem> validateProfile(const ClusterProfile &profile);

// SLURM's --time syntax: "MM", "MM:SS", "HH:MM:SS", "D-HH", "D-HH:MM", "D-HH:MM:SS"; seconds round
// up to a whole minute. nullopt when the text is not one of these or is zero.
std::optional<int> parseSlurmTimeLimit(const QString &text);
// The inverse, as "D-HH:MM:00" or "HH:MM:00": what profiles.json stores.
QString formatSlurmTimeLimit(int minutes);

}  // namespace corral
