#pragma once
// Renders job.sbatch for one run from the template (resources/slurm/job.sbatch.in), the
// cluster profile and the run config. Every value is quoted with shellQuote (the #SBATCH lines
// too: sbatch reads them with shell-like quoting); the profile's environment lines are the one
// exception, because they are shell code the user wrote on purpose.
#include "config/Result.h"
#include "config/RunConfig.h"
#include "slurm/ClusterProfile.h"

#include <QString>

namespace corral {

struct SbatchInputs {
    ClusterProfile profile;
    QString jobName;  // usually the config's output.run_name
    QString runDir;   // absolute remote RUN_DIR
};

class SbatchScript {
public:
    // The placeholders the template must contain (docs/formats.md).
    static QStringList placeholders();

    // Fills `templateText`; an error names the missing placeholder or the invalid profile field.
    static Result<QString> render(const QString &templateText, const SbatchInputs &inputs);

    // The #SBATCH lines alone, in a fixed order (tested directly).
    static QStringList directives(const SbatchInputs &inputs);
};

// The job name as SLURM will see it: control characters (a newline would end the #SBATCH line)
// become spaces. Everything else is kept and quoted.
QString slurmSafeText(const QString &text);

}  // namespace corral
