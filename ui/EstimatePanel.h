#pragma once
// The resource estimate beside the config: memory per GPU with its breakdown, tokens per step and
// steps per epoch (trainer/config/ResourceEstimate, formula in docs/estimate.md), and a warning
// in colour when the estimate exceeds the GPU memory of the selected profile.
#include "config/ResourceEstimate.h"
#include "slurm/ClusterProfile.h"

#include <QWidget>

#include <optional>

class QLabel;

namespace corral {

class EstimatePanel : public QWidget {
    Q_OBJECT
public:
    enum class Verdict { Unknown, Fits, Exceeds, NoEstimate };

    explicit EstimatePanel(QWidget *parent = nullptr);

    // Where the run would go: GPUs and their memory come from the profile's SLURM resources;
    // the local profile runs one process on the CPU. Without a profile: one GPU of unknown size.
    void setProfile(const ClusterProfile &profile);
    // Recomputes for this config (reads model.path's config.json and the data files' sizes).
    void setConfig(const RunConfig &config);

    Verdict verdict() const { return m_verdict; }
    const std::optional<MemoryEstimate> &memory() const { return m_memory; }
    const DataEstimate &data() const { return m_data; }
    const EstimateTarget &target() const { return m_target; }
    QString warningText() const;

private:
    void render(const RunConfig &config, const LlamaConfig &arch, const QString &archSource);

    QString m_profileName;
    EstimateTarget m_target;
    double m_gpuMemoryGiB = 0;  // 0: not known
    std::optional<MemoryEstimate> m_memory;
    DataEstimate m_data;
    Verdict m_verdict = Verdict::NoEstimate;
    QLabel *m_banner = nullptr;
    QLabel *m_details = nullptr;
};

}  // namespace corral
